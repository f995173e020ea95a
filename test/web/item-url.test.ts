// How the app shows a file's URL in a grid cell: the name first, because a cell is cut at its
// width and the name is what the analyst reads. Inputs are real ObjectIds (Panther's rule tests,
// test/fixtures/real/management/panther-m365-rule-tests.ndjson) and the shapes Microsoft
// documents for SharePoint and OneDrive items (docs/real-records.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itemParts } from '../../web/src/lib/item-url.js';

const realObjectIds = [
  ...new Set(
    readFileSync('test/fixtures/real/management/panther-m365-rule-tests.ndjson', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { ObjectId?: unknown }).ObjectId)
      .filter((v): v is string => typeof v === 'string' && v.startsWith('https://')),
  ),
];

describe('itemParts', () => {
  it('puts the file name of every real ObjectId first and keeps the rest beside it', () => {
    expect(realObjectIds.length).toBeGreaterThan(0);
    for (const url of realObjectIds) {
      const parts = itemParts(url)!;
      expect(url.endsWith(`/${parts.name}`)).toBe(true);
      expect(`https://${parts.where}/${parts.name}`).toBe(url);
    }
    expect(
      itemParts(
        'https://yourorg.sharepoint.com/personal/user_yourorg/Documents/External/public.docx',
      ),
    ).toEqual({
      name: 'public.docx',
      where: 'yourorg.sharepoint.com/personal/user_yourorg/Documents/External',
    });
  });

  it('decodes the name, ignores a query and a trailing slash, and leaves a malformed escape as written', () => {
    expect(
      itemParts(
        'https://contoso.sharepoint.com/sites/Falcon/Shared%20Documents/Q3%20plan.xlsx?web=1',
      ),
    ).toEqual({
      name: 'Q3 plan.xlsx',
      where: 'contoso.sharepoint.com/sites/Falcon/Shared%20Documents',
    });
    expect(
      itemParts('https://contoso.sharepoint.com/sites/Falcon/Shared Documents/Board/')!.name,
    ).toBe('Board');
    expect(itemParts('https://contoso.sharepoint.com/sites/Falcon/100%.docx')!.name).toBe(
      '100%.docx',
    );
  });

  it('gives nothing for what is not an item URL', () => {
    for (const v of [
      'https://contoso.sharepoint.com',
      'https://contoso.sharepoint.com/',
      'C:\\files\\a.docx',
      'a.docx',
      '8f2e-guid',
    ])
      expect(itemParts(v)).toBeNull();
  });
});
