// Times as Sentinel exports write them, turned into the API's CreationTime form: UTC,
// `YYYY-MM-DDTHH:MM:SS`, no zone, no fraction (the API's precision, so that a record imported from
// Sentinel and the same record collected from the API have the same time and deduplicate).

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function format(y: number, mo: number, d: number, h: number, mi: number, s: number): string {
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** The portal's CSV form (en-US): `4/28/2021, 3:05:26.000 PM`, also without the comma or in 24 h. */
const PORTAL =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?$/;
/** ISO 8601 with `T` or a space, optional fraction, optional `Z` or offset. */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** `YYYY-MM-DDTHH:MM:SS` (UTC) for a Sentinel time, or undefined when the text is not one. */
export function toCreationTime(text: string): string | undefined {
  const t = text.trim();
  const portal = PORTAL.exec(t);
  if (portal) {
    const [, mo, d, y, h, mi, s, ampm] = portal;
    let hour = Number(h);
    if (ampm) {
      if (hour < 1 || hour > 12) return undefined;
      const pm = ampm.toLowerCase() === 'pm';
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    const parts = [Number(y), Number(mo), Number(d), hour, Number(mi), Number(s ?? 0)] as const;
    return valid(...parts) ? format(...parts) : undefined;
  }
  const iso = ISO.exec(t);
  if (iso) {
    const [, y, mo, d, h, mi, s, zone] = iso;
    const parts = [
      Number(y),
      Number(mo),
      Number(d),
      Number(h),
      Number(mi),
      Number(s ?? 0),
    ] as const;
    if (!valid(...parts)) return undefined;
    if (!zone || zone.toUpperCase() === 'Z') return format(...parts);
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.replace(/[^0-9]/g, '');
    const offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    const ms = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
    return new Date(ms - offsetMin * 60_000).toISOString().slice(0, 19);
  }
  return undefined;
}
