// A SharePoint or OneDrive item's URL as the app shows it (no DOM here: the tests import it).

/**
 * A file's or folder's URL with its name first: a cell is cut at its width, and the name is what
 * an analyst reads (`Q3 roadmap.docx · contoso-my.sharepoint.com/personal/…/Documents`).
 */
export function itemParts(url: string): { name: string; where: string } | null {
  const m = /^https?:\/\/([^/?#]+)(\/[^?#]*?)\/?(?:[?#].*)?$/i.exec(url);
  if (!m) return null;
  const path = m[2]!;
  const cut = path.lastIndexOf('/');
  if (cut < 0 || cut === path.length - 1) return null;
  let name = path.slice(cut + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape: the name as written.
  }
  return { name, where: m[1]! + path.slice(0, cut) };
}
