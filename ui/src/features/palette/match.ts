/**
 * How the command palette matches what is typed against its items: every word typed must
 * be found in the item (its title or a keyword), as a substring or, failing that, as its
 * letters in order ("lgs" finds "logs"). Better matches rank first: the whole query equal
 * to the title, then the title starting with it, then words starting where a typed word
 * does, then substrings, then scattered letters. Ties keep the registry's order (views
 * first, then actions), shorter titles first.
 */

/** What the matcher needs of an item. */
export interface Matchable {
  title: string;
  /** Other words the item answers to (its kind, the container's image, the view's name). */
  keywords?: readonly string[];
}

export interface Ranked<T> {
  item: T;
  score: number;
}

const norm = (s: string) => s.toLocaleLowerCase().trim();

/** How well one typed word matches one text; 0: not at all. */
function wordScore(word: string, text: string): number {
  const at = text.indexOf(word);
  if (at === 0) return 8;
  if (at > 0) {
    // At the start of a word of the text ("web-3" in "stop web-3", "3" in "web-3").
    return /[\s\-_./:@]/.test(text[at - 1] ?? "") ? 6 : 4;
  }
  // Its letters in order, scattered.
  let i = 0;
  for (const ch of text) if (ch === word[i]) i++;
  return i === word.length ? 1 : 0;
}

/** The item's score for `query`; 0 when some typed word is found nowhere in it. */
export function score(query: string, item: Matchable): number {
  const q = norm(query);
  if (q === "") return 1;
  const title = norm(item.title);
  const texts = [title, ...(item.keywords ?? []).map(norm)];
  let total = 0;
  for (const word of q.split(/\s+/)) {
    let best = 0;
    for (const [i, text] of texts.entries()) {
      // A word found in the title counts a little more than one found in a keyword.
      const s = wordScore(word, text) * (i === 0 ? 2 : 1);
      if (s > best) best = s;
    }
    if (best === 0) return 0;
    total += best;
  }
  if (title === q) total += 100;
  else if (title.startsWith(q)) total += 50;
  else if (title.includes(q)) total += 20;
  return total;
}

/** The items matching `query`, best first, at most `limit` (the list stays short to read). */
export function rank<T extends Matchable>(query: string, items: readonly T[], limit = 50): Ranked<T>[] {
  // Nothing typed: everything, in the registry's order.
  if (norm(query) === "") return items.slice(0, limit).map((item) => ({ item, score: 1 }));
  const out: (Ranked<T> & { order: number })[] = [];
  items.forEach((item, order) => {
    const s = score(query, item);
    if (s > 0) out.push({ item, score: s, order });
  });
  out.sort((a, b) => b.score - a.score || a.item.title.length - b.item.title.length || a.order - b.order);
  return out.slice(0, limit).map(({ item, score }) => ({ item, score }));
}
