/** The part of jStat (no types of its own) that `perf/welch-test.ts` uses. */
declare module 'jstat' {
  const jStat: {
    studentt: {
      cdf(x: number, dof: number): number;
      inv(p: number, dof: number): number;
    };
  };
  export default jStat;
}
