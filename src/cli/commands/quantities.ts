/**
 * nccl-tests' size arguments of `dtsim collective` ("8", "128M", "8G": powers of 1024, as
 * all_reduce_perf reads them). Quantities with units in files ("200 Gbit/s") are the scenario layer's
 * (src/scenario/quantity.ts).
 */

/**
 * An nccl-tests size: a whole number of bytes with an optional K, M, G or T suffix (powers of 1024).
 * @throws Error for anything else.
 */
export function parseSize(text: string, what: string): number {
  const m = /^(\d+)([KMGT]?)$/i.exec(text.trim());
  if (m === null)
    throw new Error(
      `${what}: cannot read size "${text}"; write bytes with an optional K, M, G or T suffix (e.g. 8, 64K, 8G)`,
    );
  const exp = ' KMGT'.indexOf((m[2] || ' ').toUpperCase());
  return Number(m[1]) * 1024 ** exp;
}
