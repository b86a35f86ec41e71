/**
 * Short labels for sweep points. A point's label names it in summary.csv's `point` column, the printed
 * table, trace process names, the progress bar and error messages, so it must be short and unique:
 * the full settings of each point are in manifest.json (`runs[].sweep`). A value may carry its own
 * label (sweep.ts reads `label:`); otherwise one is made from what differs between the axis' values:
 * the last path segment instead of the full path, only the fields of a mapping that differ, integer
 * runs as ranges. Axes with a single value are left out. The whole label is cut to `LABEL_MAX`
 * characters, with `...` where text was cut and `#n` (the value's index) where cutting made two
 * labels equal.
 */
import type { PathSegment } from './paths.ts';
import { formatPath } from './paths.ts';

/** The widest a point label may be, in characters. */
export const LABEL_MAX = 40;

/** Between the parts of a point label that come from different axes. */
const SEP = ', ';
/** The narrowest an axis' part is cut to when several axes share `LABEL_MAX`. */
const MIN_PART = 6;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isKinded = (v: unknown): v is Record<string, unknown> & { kind: string } =>
  isRecord(v) && typeof v['kind'] === 'string';

/** `[1,2,3,4,9]` → `1-4,9`: runs of three or more consecutive integers become ranges. */
function integerRuns(xs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${xs[i]}-${xs[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(xs[k]));
    i = j + 1;
  }
  return parts.join(',');
}

/** A value as label text: scalars as written, `kind(k=v,...)` for kinded mappings, `{k=v}` for others. */
export function compactValue(v: unknown): string {
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'number' && Number.isInteger(x)))
      return `[${integerRuns(v as number[])}]`;
    return `[${v.map(compactValue).join(',')}]`;
  }
  if (isRecord(v)) {
    const { kind, ...rest } = v;
    const inner = Object.entries(rest)
      .map(([k, x]) => `${k}=${compactValue(x)}`)
      .join(',');
    if (typeof kind === 'string') return inner === '' ? kind : `${kind}(${inner})`;
    return `{${inner}}`;
  }
  return String(v);
}

/** Like `compactValue`, but a kinded mapping shows only its kind: `[constant]` for a list of stragglers. */
export function briefValue(v: unknown): string {
  if (Array.isArray(v))
    return v.length > 0 && v.every((x) => typeof x === 'number' && Number.isInteger(x))
      ? compactValue(v)
      : `[${v.map(briefValue).join(',')}]`;
  if (isKinded(v)) return v.kind;
  return compactValue(v);
}

/** For each axis, the shortest path suffix (in segments) that no other axis ends with. */
export function axisNames(paths: readonly (readonly PathSegment[])[]): string[] {
  return paths.map((p, i) => {
    for (let n = 1; n < p.length; n++) {
      const tail = p.slice(-n);
      // A list index alone says nothing (`nodes[1]`): take the key before it too.
      if (typeof tail[0] === 'number') continue;
      const clash = paths.some((q, j) => j !== i && q.length >= n && formatPath(q.slice(-n)) === formatPath(tail));
      if (!clash) return formatPath(tail);
    }
    return formatPath(p);
  });
}

/** The keys of the mappings in `group` whose values are not all the same (a missing key counts as a value). */
function differingKeys(group: readonly Record<string, unknown>[]): Set<string> {
  const keys = new Set(group.flatMap((g) => Object.keys(g)));
  keys.delete('kind');
  const out = new Set<string>();
  for (const k of keys) if (new Set(group.map((g) => JSON.stringify(g[k]) ?? '-')).size > 1) out.add(k);
  return out;
}

/**
 * The automatic label of each value of one axis named `name`. Mappings show their kind (when kinds
 * differ, or when nothing else tells them apart) and the fields that differ among values of the same
 * kind; other values read `name=value`, except on a `kind` path, where the value names itself.
 */
export function autoLabels(name: string, path: readonly PathSegment[], values: readonly unknown[]): string[] {
  const records = values.filter(isRecord);
  const kinds = new Set(records.map((r) => (isKinded(r) ? r.kind : undefined)));
  const showKind = kinds.size > 1 || records.length < values.length;
  const groups = new Map<string | undefined, Record<string, unknown>[]>();
  for (const r of records) {
    const k = isKinded(r) ? r.kind : undefined;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const differ = new Map([...groups].map(([k, g]) => [k, differingKeys(g)]));
  const prefix = path[path.length - 1] === 'kind' ? '' : `${name}=`;
  // Lists of mappings (stragglers) are long in full; their kinds alone do when they tell the values apart.
  const full = values.map((v) => `${prefix}${compactValue(v)}`);
  const brief = values.map((v) => `${prefix}${briefValue(v)}`);
  const plain =
    full.some((l, i) => l.length > LABEL_MAX && !isRecord(values[i])) && new Set(brief).size === new Set(full).size
      ? brief
      : full;
  return values.map((v, i) => {
    if (!isRecord(v)) return plain[i]!;
    const kind = isKinded(v) ? v.kind : undefined;
    const keys = differ.get(kind)!;
    const fields = Object.entries(v)
      .filter(([k, x]) => keys.has(k) && x !== undefined)
      .map(([k, x]) => `${k}=${compactValue(x)}`)
      .join(',');
    if (kind === undefined) return fields === '' ? '{}' : fields;
    if (!showKind) return fields === '' ? kind : fields;
    return fields === '' ? kind : `${kind}(${fields})`;
  });
}

/** How often each string occurs (labels are checked for repeats with this, not pairwise: sweeps can be large). */
function counts(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** `text` cut to `width` characters, ending in `...` when cut. */
export function elide(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 3 ? text.slice(0, width) : `${text.slice(0, width - 3)}...`;
}

/** The largest cap T such that parts cut to min(width, T) fit in `budget` in total (at least MIN_PART). */
function capWidth(widths: readonly number[], budget: number): number {
  let lo = MIN_PART;
  let hi = Math.max(MIN_PART, ...widths);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (widths.reduce((s, w) => s + Math.min(w, mid), 0) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Labels whose text stands for more than one distinct `key` (equal keys, as a zip repeats a value, may share one). */
function ambiguous(texts: readonly string[], keys: readonly string[]): Set<string> {
  const by = new Map<string, Set<string>>();
  texts.forEach((t, i) => by.set(t, (by.get(t) ?? new Set()).add(keys[i]!)));
  return new Set([...by].filter(([, k]) => k.size > 1).map(([t]) => t));
}

/** Cuts one axis' labels to `width`, keeping distinct labels distinct: cut labels that coincide end in `#index`. */
function fitAxis(labels: readonly string[], width: number): string[] {
  const cut = labels.map((l) => elide(l, width));
  const clash = ambiguous(cut, labels);
  return cut.map((c, i) => {
    if (!clash.has(c)) return c;
    const tag = `#${i}`;
    return `${elide(labels[i]!, Math.max(1, width - tag.length))}${tag}`;
  });
}

/** What `pointLabels` needs of an axis. */
export interface LabelAxis {
  readonly path: readonly PathSegment[];
  readonly values: readonly unknown[];
  /** A label per value given in the file, or undefined where none was. */
  readonly labels: readonly (string | undefined)[];
  /** Text for each value in place of `compactValue` (rounded random samples), shown as `name=text`. */
  readonly texts?: readonly string[];
  /** Drawn by `random:`: its values may go without their name when the label is short of room. */
  readonly sampled?: boolean;
}

/**
 * One axis' label per value: the given label, else `name=value` (or the bare value text when `name`
 * is undefined). Equal labels for different values (1 and "1", a given label equal to a made one, or
 * rounded samples) get their index; a value that recurs (zips, random choices) keeps its label.
 */
function axisLabels(a: LabelAxis, name: string | undefined): string[] {
  const auto =
    name === undefined
      ? (a.texts ?? a.values.map(compactValue))
      : (a.texts?.map((t) => `${name}=${t}`) ?? autoLabels(name, a.path, a.values));
  const raw = a.values.map((_, i) => a.labels[i] ?? auto[i]!);
  const clash = ambiguous(
    raw,
    a.values.map((v) => JSON.stringify(v)),
  );
  return raw.map((l, i) => (clash.has(l) ? `${l}#${i}` : l));
}

/**
 * The label of every point of the grid (`indices` lists, first axis slowest), each at most
 * `LABEL_MAX` characters and all distinct.
 */
export function pointLabels(axes: readonly LabelAxis[], points: readonly (readonly number[])[]): string[] {
  if (axes.length === 0) return points.map(() => '');
  const names = axisNames(axes.map((a) => a.path));
  let perAxis = axes.map((a, k) => axisLabels(a, names[k]));
  // An axis with one value does not tell points apart; keep it only when every axis has one value.
  const shown = axes.map((a, k) => k).filter((k) => axes[k]!.values.length > 1);
  const used = shown.length > 0 ? shown : axes.map((_, k) => k);
  const width = (labels: readonly (readonly string[])[]): number =>
    used.reduce((w, k) => w + Math.max(...labels[k]!.map((l) => l.length)), SEP.length * (used.length - 1));
  // Random samples span several paths at once; when `name=value` parts do not fit, their bare values
  // (in `space` order, named in manifest.json) say more than names cut to a few characters.
  if (width(perAxis) > LABEL_MAX && axes.some((a) => a.sampled === true))
    perAxis = axes.map((a, k) => (a.sampled === true ? axisLabels(a, undefined) : perAxis[k]!));
  const widths = used.map((k) => Math.max(...perAxis[k]!.map((l) => l.length)));
  const cap = capWidth(widths, LABEL_MAX - SEP.length * (used.length - 1));
  const fitted = used.map((k) => fitAxis(perAxis[k]!, cap));
  const labels = points.map((idx) => used.map((k, u) => fitted[u]![idx[k]!]!).join(SEP));
  // Too many axes for the cap even at MIN_PART each: cut the whole label and tell points apart by number.
  const n = counts(labels);
  return labels.map((l, p) => {
    if (l.length <= LABEL_MAX && n.get(l) === 1) return l;
    const tag = `#${p}`;
    return `${elide(l, LABEL_MAX - tag.length)}${tag}`;
  });
}
