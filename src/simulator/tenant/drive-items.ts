// The simulated tenant's drives and their files: Graph-shaped drive and item ids, the files of a
// drive, and an item's URL as SharePoint logs it (docs/simulator.md).
import { Rng, stableGuid, stableHex } from '../util/prng.js';
import { SENSITIVITY_LABELS } from './names.js';
import type { DriveItem, Drive } from './types.js';

export function driveId(...parts: Array<string | number>): string {
  // Graph drive ids are `b!` + base64url of site/web/list GUIDs: opaque, 66 chars.
  const hex = stableHex(48, 'drive', ...parts);
  return `b!${Buffer.from(hex, 'hex').toString('base64url')}${stableHex(2, 'drive2', ...parts)}`;
}

export function itemId(...parts: Array<string | number>): string {
  // driveItem ids: 34 upper-case base32-ish characters starting with 01.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const rng = new Rng('item', ...parts);
  let id = '01';
  for (let i = 0; i < 32; i++) id += alphabet[rng.int(32)];
  return id;
}

export function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

export function isSensitiveName(name: string): boolean {
  return /strateg|confidential|salary|m&a|patent|board|acquisition|customer list|pricing/i.test(
    name,
  );
}

export function makeItems(
  rng: Rng,
  seedKey: string,
  names: Array<{ folder: string; name: string }>,
  epochMs: number,
): DriveItem[] {
  const items: DriveItem[] = [];
  const folders = new Set<string>();
  for (const { folder } of names) if (folder) folders.add(folder);
  for (const folder of [...folders].sort()) {
    items.push({
      id: itemId(seedKey, 'folder', folder),
      name: folder.split('/').pop() ?? folder,
      path: folder,
      folder: folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '',
      ext: '',
      isFolder: true,
      sensitive: false,
      label: null,
      size: 0,
      listItemUniqueId: stableGuid(seedKey, 'folder-li', folder),
      createdMs: epochMs - rng.between(30, 900) * 86400000,
    });
  }
  const seen = new Set<string>();
  for (const { folder, name } of names) {
    const path = folder ? `${folder}/${name}` : name;
    if (seen.has(path)) continue;
    seen.add(path);
    const sensitive = isSensitiveName(name);
    const label = sensitive
      ? (SENSITIVITY_LABELS[rng.chance(0.5) ? 3 : 2] ?? null)
      : rng.chance(0.3)
        ? (SENSITIVITY_LABELS[rng.int(2)] ?? null)
        : null;
    items.push({
      id: itemId(seedKey, path),
      name,
      path,
      folder,
      ext: extOf(name),
      isFolder: false,
      sensitive: sensitive || label?.name === 'Highly Confidential',
      label: label ? { id: label.id, name: label.name } : null,
      size: rng.between(12_000, 9_000_000),
      listItemUniqueId: stableGuid(seedKey, 'li', path),
      createdMs: epochMs - rng.between(1, 700) * 86400000,
    });
  }
  return items;
}

/** `ObjectId` URL of a drive item as SharePoint logs it (spaces kept as they are). */
export function itemUrl(drive: Drive, item: DriveItem): string {
  const base = drive.siteUrl.endsWith('/') ? drive.siteUrl.slice(0, -1) : drive.siteUrl;
  return `${base}/${drive.library}/${item.path}`;
}
