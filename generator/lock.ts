// One scaffold at a time per repository: a lock file created with O_EXCL (so
// exactly one of two racing runs creates it) that holds the pid of its run. A
// lock whose pid no longer runs was left by a killed run and is taken over.
import { open, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "./errors.js";
import { LOCK_FILE } from "./layout.js";

export interface Lock {
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Creates `path` only when nothing is there, with our pid; false when something is. */
async function create(path: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, "wx");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    throw new UserError(`cannot create the lock file ${path}: ${code}: the repository folder must be writable (check \`ls -ld\` on it); nothing was written`);
  }
  try {
    await file.writeFile(`${process.pid}\n`);
  } finally {
    await file.close();
  }
  return true;
}

function busy(dir: string, pid: number | undefined, file = LOCK_FILE): UserError {
  return new UserError(
    `another kafka-gitops run${pid === undefined ? "" : ` (pid ${pid})`} is writing in ${dir} (it holds ${file}): wait for it to finish, then run again. ` +
      `If no run is going on, delete ${join(dir, file)}. Nothing was written.`,
  );
}

/** `print` says when a stale lock is taken over. Throws (exit 1) while another live run holds the lock. */
export async function acquireLock(dir: string, print: (line: string) => void): Promise<Lock> {
  const path = join(dir, LOCK_FILE);
  const lock: Lock = {
    async release() {
      if ((await readPid(path)) === process.pid) await rm(path, { force: true });
    },
  };
  // A missing folder has nothing to guard yet; loading the config reports it.
  if (
    !(await stat(dir).then(
      (st) => st.isDirectory(),
      () => false,
    ))
  )
    return { release: async () => {} };
  if (await create(path)) return lock;
  const holder = await readPid(path);
  // No pid yet: its run is between creating the file and writing into it.
  if (holder === undefined || alive(holder)) throw busy(dir, holder);

  // Stale. Two runs may find it stale at once: a second O_EXCL file decides which one takes it over.
  const takeover = `${path}.takeover`;
  if (!(await create(takeover))) throw busy(dir, await readPid(takeover), `${LOCK_FILE}.takeover`);
  try {
    const now = await readPid(path);
    if (now !== holder) throw busy(dir, now);
    await rm(path, { force: true });
    if (!(await create(path))) throw busy(dir, await readPid(path));
  } finally {
    await rm(takeover, { force: true });
  }
  print(`took over ${LOCK_FILE} from an earlier kafka-gitops run (pid ${holder}) that no longer runs (it was killed or crashed)`);
  return lock;
}
