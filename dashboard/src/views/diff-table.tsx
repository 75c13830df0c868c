/** The keys two versions disagree on, old value and new. */
import type { DiffEntry } from '../dashboard-state.ts';
import { formatParamValue } from '../format.ts';

export function DiffTable({ changes }: { changes: DiffEntry[] }) {
  if (!changes.length) return <p class="empty">No differences: both versions hold the same params.</p>;
  return (
    <table class="diff">
      <thead>
        <tr>
          <th>Parameter</th>
          <th class="num">From</th>
          <th class="num">To</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.key} data-key={c.key}>
            <td class="mono">{c.key}</td>
            <td class="num from">{formatParamValue(c.from)}</td>
            <td class="num to">{formatParamValue(c.to)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
