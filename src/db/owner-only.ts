import { chmod, lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Makes a directory tree owner-only: directories 0700, files without group or other bits. The embedded
 * database unpacks its initial files world-readable and -writable (mode 666) whatever the umask, and a
 * data directory from an older ECT has them too; symbolic links are left alone.
 */
export async function restrictToOwner(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mode } = await lstat(path);
    if ((mode & 0o077) === 0) continue;
    await chmod(path, entry.isDirectory() ? 0o700 : mode & 0o700);
  }
}
