/**
 * Where a JSON text first breaks the grammar (RFC 8259), for error messages. `JSON.parse` on Node 20
 * names a position for some errors but not others ("Unexpected token ']', ... is not valid JSON"), so
 * after it fails this small scanner finds the offset and what was expected there. It only validates;
 * the data always comes from `JSON.parse`/yaml.
 */

/** The first syntax error: its offset in the text and what the grammar expected there. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly expected: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The first syntax error of `text`, or `undefined` when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected } satisfies JsonSyntaxError;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const str = (): void => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        i = ESCAPE.lastIndex;
        continue;
      }
      if (c < ' ') fail('no raw control characters in a string (write \\n)');
      i++;
    }
    fail('a closing "');
  };
  const seq = (close: string, item: () => void, what: string): void => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      ws();
      if (text[i] === ',') {
        i++;
        ws();
        if (text[i] === close) fail(`another ${what} (JSON allows no trailing comma)`);
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(`"," or "${close}"`);
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      seq(
        '}',
        () => {
          ws();
          if (text[i] !== '"') fail('a double-quoted property name');
          str();
          ws();
          if (text[i] !== ':') fail('":"');
          i++;
          value();
        },
        'property',
      );
    } else if (c === '[') {
      seq(']', value, 'element');
    } else if (c === '"') {
      str();
    } else if (c === 't' || c === 'f' || c === 'n') {
      const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      if (word === undefined) fail('a value (true, false, null, a number, a string, [ or {)');
      i += word!.length;
    } else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail('a value (true, false, null, a number, a string, [ or {)');
      i = NUMBER.lastIndex;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the text');
    return undefined;
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'offset' in e) return e as JsonSyntaxError;
    throw e;
  }
}
