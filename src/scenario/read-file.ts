/**
 * Reading a text file with a size limit: the size is checked before anything is read, and the read
 * itself stops one byte past the limit, so neither a huge file nor one that grows while it is read can
 * fill memory. Only regular files are read: a FIFO or a device (a scenario symlinked to /dev/zero)
 * would block or never end.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** A file that is larger than its limit or not a regular file. */
export class FileLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileLimitError';
  }
}

/** `131,072 bytes (128 KiB)`. */
export function describeBytes(n: number): string {
  const unit =
    n >= 1 << 20 && n % (1 << 20) === 0
      ? ` (${n / (1 << 20)} MiB)`
      : n >= 1024 && n % 1024 === 0
        ? ` (${n / 1024} KiB)`
        : '';
  return `${n} bytes${unit}`;
}

/**
 * The UTF-8 text of `path`, at most `limitBytes` long.
 * @throws FileLimitError for a file over the limit or not a regular file; the fs error otherwise.
 */
export function readTextFile(path: string, limitBytes: number): string {
  const st = statSync(path);
  if (!st.isFile()) throw new FileLimitError('not a regular file');
  const tooBig = (size: number | string): FileLimitError =>
    new FileLimitError(`the file is ${size} bytes; at most ${describeBytes(limitBytes)} are read`);
  if (st.size > limitBytes) throw tooBig(st.size);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > limitBytes) throw tooBig(size);
    // One byte more than allowed: a file that grew past the limit since fstat is caught by the read.
    // allocUnsafe: pages never written are never touched, so a small file costs little.
    const buf = Buffer.allocUnsafe(limitBytes + 1);
    let got = 0;
    for (let n = -1; n !== 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, null);
    if (got > limitBytes) throw tooBig(`more than ${limitBytes}`);
    return buf.toString('utf8', 0, got);
  } finally {
    closeSync(fd);
  }
}
