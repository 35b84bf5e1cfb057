import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rundownSchema, type Rundown } from '../../../shared/rundown';
import { exportRundown, importRundownFile, importRundownText } from './rundownImport';
import { MAX_REPORTED_ISSUES } from './rundownIssues';

const INPUTS = ['src-1', 'src-2', 'src-3', 'scn-4'];

const sample: Rundown = rundownSchema.parse({
  version: 1,
  title: 'Friday jewelry night',
  segments: [
    {
      id: 'ring-1',
      sku: 'RG-SOL-050',
      productId: 'gid-7781',
      title: 'Solitaire ring, 18k "white" gold, 0.5 ct',
      price: 1890,
      promoPrice: 1590.5,
      promoEndsAt: '2031-05-01T19:30:00.250+02:00',
      currency: 'EUR',
      stock: 25,
      images: ['images/ring.jpg', 'images/ring side.jpg'],
      sellingPoints: ['GIA certified, VS1', 'Free resizing'],
      script: '[[intro]] Good evening!\n\n"Look at the fire," she said, 50% off.\r\n  [[price]] Only tonight.',
      input: 'scn-4',
      targetDurationSec: 240,
    },
    {
      id: 'pearls',
      sku: 'PL-STR-08',
      title: 'Freshwater pearl strand',
      price: 340,
      promoPrice: 279,
      flashSaleSec: 600,
      currency: 'EUR',
      stock: 0,
      input: 'src-2',
      targetDurationSec: 180,
    },
    { id: 'workshop', sku: 'SG-925', title: 'Signet ring', price: 240, currency: 'EUR', stock: 12, input: 'src-3', targetDurationSec: 300, script: '  leading spaces kept' },
  ],
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cuecast-rundown-'));
  await mkdir(join(dir, 'images'));
  await writeFile(join(dir, 'images', 'ring.jpg'), 'not checked for content here');
  await writeFile(join(dir, 'images', 'ring side.jpg'), 'x');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const messages = (r: Awaited<ReturnType<typeof importRundownText>>) => (r.ok ? [] : r.issues.map((i) => i.message));

describe('round trips', () => {
  it('JSON: export then import gives the same rundown', async () => {
    const text = exportRundown(sample, 'json');
    expect(text).toContain('"promoEndsAt": "2031-05-01T17:30:00.250Z"');
    const back = await importRundownText(text, 'json', { knownInputs: INPUTS, imageBaseDir: dir });
    expect(messages(back)).toEqual([]);
    expect(back.ok && back.rundown).toEqual(sample);
  });

  it('CSV: export then import gives the same rundown', async () => {
    const text = exportRundown(sample, 'csv');
    expect(text.split('\r\n')[0]).toBe(
      'id,sku,productId,title,price,promoPrice,promoEndsAt,flashSaleSec,currency,stock,input,targetDurationSec,images,sellingPoints,script',
    );
    expect(text).toContain(',images/ring.jpg|images/ring side.jpg,"GIA certified, VS1|Free resizing","[[intro]] Good evening!\n\n""Look');
    const back = await importRundownText(text, 'csv', { title: sample.title, knownInputs: INPUTS, imageBaseDir: dir });
    expect(messages(back)).toEqual([]);
    expect(back.ok && back.rundown).toEqual(sample);
  });

  it('imports a file from disk, resolving images against its folder', async () => {
    const path = join(dir, 'show.csv');
    await writeFile(path, exportRundown(sample, 'csv'));
    const result = await importRundownFile(path, { title: sample.title, knownInputs: INPUTS });
    expect(result.ok && result.rundown).toEqual(sample);
  });
});

const HEADER = 'id,sku,title,price,promoPrice,currency,stock,input,targetDurationSec,images,sellingPoints,script';

describe('a CSV with bad rows', () => {
  // Row 3 has a three-line script, so rows 4–9 start on later text lines.
  const csv = [
    HEADER,
    'ok-1,SKU-1,Good ring,100,,EUR,5,src-1,60,images/ring.jpg,Shiny|Warm,Hello',
    'ok-2,SKU-2,Good chain,200,150,EUR,5,src-2,60,,,"Line one,\n[[price]] line two\nline three"',
    'bad-1,SKU-3,Price with comma,"12,50",,EUR,5,src-1,60,,,',
    'bad-2,SKU-4,Promo too high,100,120,eur,-1,src-1,60,,,',
    'ok-1,sku-1,Same id and SKU as line 2,100,,EUR,5,src-9,60,,,',
    'bad-4,SKU-6,Missing image,100,,EUR,5,src-1,2,images/nope.jpg,,[[unclosed',
    'bad-5,SKU-7,Too few cells,100,,EUR',
    ',SKU-8,,100,,EUR,5,src-1,60,,,',
  ].join('\r\n');

  it('rejects the whole file with each reason on its spreadsheet line', async () => {
    const result = await importRundownText(csv, 'csv', { knownInputs: INPUTS, imageBaseDir: dir });
    expect(result.ok).toBe(false);
    expect('rundown' in result).toBe(false);
    expect(messages(result)).toEqual([
      'line 4 (text line 6): price "12,50" is not a number (use a dot for decimals: 12.50)',
      'line 5 (text line 7): currency must be an ISO 4217 code such as EUR',
      'line 5 (text line 7): stock must be 0 or more',
      'line 5 (text line 7): promoPrice must be lower than price (120 ≥ 100)',
      'line 6 (text line 8): duplicate id "ok-1" (also line 2)',
      'line 6 (text line 8): duplicate sku "sku-1" (also line 2)',
      'line 6 (text line 8): input "src-9" is not a camera or layout of this show (it has: src-1, src-2, src-3, scn-4)',
      'line 7 (text line 9): targetDurationSec must be 5 or more',
      'line 7 (text line 9): marker on script line 1 is not closed with "]]"',
      `line 7 (text line 9): image "images/nope.jpg" not found (looked for ${join(dir, 'images', 'nope.jpg')})`,
      'line 8 (text line 10): 6 cells, but the header has 12 columns (an unquoted comma, or a missing one?)',
      'line 9 (text line 11): id is required',
      'line 9 (text line 11): title is required',
    ]);
    if (!result.ok) {
      expect(result.totalIssues).toBe(13);
      expect(result.issues[0]).toMatchObject({ line: 4, textLine: 6, segment: 2, field: 'price' });
    }
  });

  it('names header problems on line 1 and reads no rows', async () => {
    const r = await importRundownText('id,sku,title,price,currency,stock,Input,colour,promo_price,Promo Price\nx,y,z,1,EUR,1,src-1,red,,\n', 'csv');
    expect(messages(r)).toEqual([
      'line 1: unknown column "colour" (the columns are id, sku, productId, title, price, promoPrice, promoEndsAt, flashSaleSec, currency, stock, input, targetDurationSec, images, sellingPoints, script)',
      'line 1: column "promoPrice" appears twice',
      'line 1: missing column "targetDurationSec"',
    ]);
    expect(messages(await importRundownText('id;sku;title\n', 'csv'))).toEqual(['line 1: the columns are separated by ";"; save the file as comma-separated CSV']);
    expect(messages(await importRundownText('', 'csv'))).toEqual(['line 1: the first line must be the header naming the columns (id,sku,title,…)']);
  });

  it(`returns at most ${MAX_REPORTED_ISSUES} problems and says how many more`, async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `s${i},K${i},T,-1,,EUR,1,src-1,60,,,`);
    const r = await importRundownText([HEADER, ...rows].join('\n'), 'csv');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.totalIssues).toBe(60);
    expect(r.issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(r.issues[0]!.message).toBe('line 2: price must be 0 or more');
    expect(r.issues[MAX_REPORTED_ISSUES]!.message).toBe('…and 10 more problems');
  });
});

describe('limits', () => {
  it('refuses more than 500 segments without validating each', async () => {
    const rows = Array.from({ length: 501 }, (_, i) => `s${i},K${i},T,1,,EUR,1,src-1,60,,,`);
    expect(messages(await importRundownText([HEADER, ...rows].join('\n'), 'csv'))).toEqual(['501 segments; a rundown holds at most 500']);
  });
});

describe('JSON problems', () => {
  it('says why the text is not JSON', async () => {
    const r = await importRundownText('{\n  "version": 1,\n  "segments": [}\n', 'json');
    expect(messages(r)).toHaveLength(1);
    expect(messages(r)[0]).toMatch(/^not valid JSON.*: Unexpected token '}'/);
  });

  it('names segments by number and id, and refuses unknown fields', async () => {
    const seg = sample.segments[2]!;
    const r = await importRundownText(
      JSON.stringify({ version: 2, extra: true, segments: [seg, { ...seg, id: 'b', sku: 'X', promo_price: 5, promoEndsAt: '2031-05-01 19:30' }, 7] }),
      'json',
    );
    expect(messages(r)).toEqual([
      'unknown field "extra" (a rundown has version, title and segments)',
      'version must be 1 (found 2)',
      'segment 2 (b): promoEndsAt must be an ISO date-time with a zone (2025-11-28T20:00:00Z) or ms since 1970',
      'segment 2 (b): unknown field "promo_price"',
      'segment 3: a segment must be an object { "id": …, "sku": … }',
    ]);
  });

  it('refuses a promo end without a promo price, and both kinds of promo end at once', async () => {
    const seg = { ...sample.segments[2]!, promoEndsAt: 1_900_000_000_000 };
    const both = { ...sample.segments[1]!, id: 'c', sku: 'C', promoEndsAt: 1_900_000_000_000 };
    const r = await importRundownText(JSON.stringify({ version: 1, segments: [seg, both] }), 'json');
    expect(messages(r)).toEqual([
      'segment 1 (workshop): promoEndsAt is set but there is no promoPrice',
      'segment 2 (c): use either promoEndsAt (a fixed end) or flashSaleSec (from the take), not both',
    ]);
  });
});

describe('importRundownFile', () => {
  it('refuses other extensions, missing files and non-UTF-8 text', async () => {
    expect(messages(await importRundownFile(join(dir, 'show.xlsx')))).toEqual([`${join(dir, 'show.xlsx')}: a rundown file must end in .json or .csv`]);
    expect(messages(await importRundownFile(join(dir, 'none.csv')))).toEqual([`${join(dir, 'none.csv')} cannot be read: ENOENT`]);
    const latin1 = join(dir, 'latin1.csv');
    await writeFile(latin1, Buffer.from([0x69, 0x64, 0x0a, 0xe9, 0x0a]));
    expect(messages(await importRundownFile(latin1))).toEqual([`${latin1} is not UTF-8 text (save it as "CSV UTF-8" or UTF-8 JSON)`]);
  });
});
