/**
 * Atomic file replacement: write a temp file in the same directory, fsync it, rename it over the
 * target, fsync the directory. A crash at any point leaves either the old file or the new one,
 * never a torn one (rename is atomic within one file system; the directory fsync makes the rename
 * itself durable). The file system is injected so a test can make `rename` fail.
 */
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicFs {
  open: typeof nodeFs.open;
  rename: typeof nodeFs.rename;
  unlink: typeof nodeFs.unlink;
  mkdir: typeof nodeFs.mkdir;
}

export const nodeAtomicFs: AtomicFs = { open: nodeFs.open, rename: nodeFs.rename, unlink: nodeFs.unlink, mkdir: nodeFs.mkdir };

export async function writeFileAtomic(
  path: string,
  data: string,
  fs: AtomicFs = nodeAtomicFs,
  random: () => number = Math.random,
): Promise<void> {
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Math.floor(random() * 1e9).toString(36)}.tmp`);
  const file = await fs.open(temp, 'w', 0o600);
  try {
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    // A failed write (disk full), fsync or rename must not leave a stray temp file per attempt.
    await fs.unlink(temp).catch(() => {});
    throw error;
  }
  // Durability of the rename; some platforms cannot open a directory for fsync, which is fine.
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  if (handle) {
    await handle.sync().catch(() => {});
    await handle.close();
  }
}
