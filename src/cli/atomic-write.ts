/**
 * Replaces a file's content so that, whatever happens (a full disk, a file-size limit, `kill -9`,
 * a power cut after the rename), the file is either its old bytes or its new bytes, never a mix.
 *
 * The technique is the one of npm's `write-file-atomic` (used by npm itself): write a temporary
 * file in the same directory, fsync it, give it the target's mode and owner, then rename it over
 * the target, which POSIX makes atomic within a file system. It is written out here instead of
 * depending on that package because it is not one of this package's dependencies (it only comes
 * in transitively, through jscodeshift, at whatever version that picks) and a new runtime
 * dependency is not worth 60 lines. This version is synchronous, as the CLI's file loop is, loops
 * over short writes (which `write-file-atomic` 5 does not) and never opens an existing file.
 *
 * A file with more than one hard link must not be replaced this way (the rename would leave the
 * other names on the old content): the caller refuses those first (src/cli/fix.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";

let counter = 0;

/** `.name.ts.traced-exit-<pid>-<n>.tmp`: hidden, and not a source file, so no later run picks one up. */
export function temporaryNameFor(target: string): string {
  counter++;
  return path.join(path.dirname(target), `.${path.basename(target)}.traced-exit-${process.pid}-${counter}.tmp`);
}

export const TEMPORARY_FILE = /^\..+\.traced-exit-(\d+)-\d+\.tmp$/u;

/**
 * Removes the temporary files (absolute paths named by {@link temporaryNameFor}) whose run is over:
 * `kill -9` or a power cut leaves the one being written. A file whose process id is alive may belong
 * to a run going on now (or to an unrelated process that reused the id): it is kept. Returns the
 * removed paths.
 */
export function removeLeftoverTemporaries(files: readonly string[]): string[] {
  const removed: string[] = [];
  for (const file of files) {
    const pid = Number(TEMPORARY_FILE.exec(path.basename(file))?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    try {
      fs.unlinkSync(file);
      removed.push(file);
    } catch {
      // Gone already, or not ours to remove: the run goes on without it.
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Writes `data` to `target` atomically, keeping its mode (incl. setuid/setgid/sticky bits) and,
 * where the process may (root), its owner and group. `target` must exist; a symlink is followed
 * and the file it points to is replaced, so the link stays a link. Throws the first error; the
 * target is then untouched and the temporary file removed.
 */
export function writeFileAtomicSync(target: string, data: Uint8Array): void {
  const realTarget = fs.realpathSync(target);
  const stat = fs.statSync(realTarget);
  const { fd: opened, temporary } = createTemporary(realTarget);
  let fd: number | undefined = opened;
  try {
    for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset, data.length - offset);
    // Owner before mode: chown clears the setuid and setgid bits.
    keepOwner(fd, stat);
    fs.fchmodSync(fd, stat.mode & 0o7777);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    // No fsync of the directory after (write-file-atomic does none either): after a power cut the rename
    // may be lost, which leaves the old bytes, still whole; it cost 1.5 to 2.4 ms more per file here, on
    // top of the 3.7 ms of the file's own fsync, which is what keeps the new bytes whole.
    fs.renameSync(temporary, realTarget);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      fs.unlinkSync(temporary);
    } catch {
      // Not created, or already renamed: nothing to remove.
    }
    throw error;
  }
}

/**
 * O_EXCL: never opens (and so never truncates) a file that already has the name, such as one left
 * by a killed run whose process id this one reuses; the next name is tried instead.
 */
function createTemporary(target: string): { fd: number; temporary: string } {
  for (let attempt = 1; ; attempt++) {
    const temporary = temporaryNameFor(target);
    try {
      return { fd: fs.openSync(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600), temporary };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 10) throw error;
    }
  }
}

function keepOwner(fd: number, stat: fs.Stats): void {
  if (typeof process.getuid !== "function") return;
  if (stat.uid === process.getuid() && stat.gid === process.getgid?.()) return;
  try {
    fs.fchownSync(fd, stat.uid, stat.gid);
  } catch (error) {
    // As write-file-atomic does: a non-root user cannot give a file away; the file becomes theirs, as with any
    // editor's save. The group can still be kept when the user is in it (uid -1: owner unchanged).
    const code = (error as NodeJS.ErrnoException).code;
    const root = process.getuid() === 0;
    if (code !== "ENOSYS" && (root || (code !== "EPERM" && code !== "EINVAL"))) throw error;
    try {
      if (code !== "ENOSYS") fs.fchownSync(fd, -1, stat.gid);
    } catch {
      // Not a member of that group either: the file gets the user's group.
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed or never valid: nothing to release.
  }
}
