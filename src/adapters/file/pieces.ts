/**
 * Parses the pieces a split file was cut into (src/adapters/file/split.ts),
 * each one item of the `services` list: by the fast reader when the piece is
 * in its subset (src/adapters/file/yaml-fast.ts), the others by js-yaml,
 * together in one call however many they are.
 */
import { fastLoadYaml } from './yaml-fast.js';
import { loadYaml } from './yaml-load.js';

/**
 * The item each piece holds, in order; `undefined` when the pieces do not
 * read as one item each (the cut was wrong, or a piece is not valid YAML on
 * its own): then the caller reads the whole document. Pieces joined in file
 * order are exactly list lines of the file, so js-yaml's list of the refused
 * ones has one element per piece.
 */
export function parsePieces(
  pieces: readonly string[],
  slowLoad: (text: string) => unknown = loadYaml,
): unknown[] | undefined {
  const values = new Array<unknown>(pieces.length);
  const refused: number[] = [];
  pieces.forEach((text, i) => {
    const fast = fastLoadYaml(text);
    if (Array.isArray(fast) && fast.length === 1) values[i] = fast[0];
    else refused.push(i);
  });
  if (refused.length === 0) return values;
  let list: unknown;
  try {
    list = slowLoad(refused.map((i) => pieces[i]!).join('\n'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(list) || list.length !== refused.length) return undefined;
  const read: readonly unknown[] = list;
  refused.forEach((at, k) => {
    values[at] = read[k];
  });
  return values;
}
