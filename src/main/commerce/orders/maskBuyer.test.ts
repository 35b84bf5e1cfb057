import { describe, expect, it } from 'vitest';
import { maskBuyer, maskName, maskedBuyer } from './maskBuyer';

describe('maskBuyer', () => {
  it('keeps the first and last letter and the city', () => {
    expect(maskBuyer({ name: 'Wang Hong', city: 'Hangzhou' })).toBe('W***g, Hangzhou');
    expect(maskBuyer({ name: '  Maria   Rossi ' })).toBe('M***i');
  });

  it('masks CJK names by character, hiding the length', () => {
    expect(maskName('王小明')).toBe('王***明');
    expect(maskName('欧阳娜娜')).toBe('欧***娜');
    expect(maskName('王红')).toBe('王***');
    expect(maskBuyer({ name: '李', city: '上海' })).toBe('李***, 上海');
  });

  it('never shows a short name whole', () => {
    expect(maskName('Al')).toBe('A***');
    expect(maskName('J')).toBe('J***');
    expect(maskName('')).toBe('***');
    expect(maskName('   ')).toBe('***');
  });

  it('cuts between graphemes, not inside them', () => {
    // "e" + combining acute, and a skin-toned emoji, are one character each.
    expect(maskName('Zoe\u0301')).toBe('Z***e\u0301');
    expect(maskName('👩🏽x👍🏻')).toBe('👩🏽***👍🏻');
  });

  it('drops control and bidi characters that could garble the on-air line', () => {
    expect(maskBuyer({ name: '\u202eWang\u0000 Hong', city: 'Hang\u202ezhou\n' })).toBe('W***g, Hangzhou');
  });

  it('is idempotent, so a journaled (masked) buyer can be shown again', () => {
    const once = maskedBuyer({ name: 'Wang Hong', city: 'Hangzhou' });
    expect(once).toEqual({ name: 'W***g', city: 'Hangzhou' });
    expect(maskBuyer(once)).toBe('W***g, Hangzhou');
    expect(maskName(maskName('王红'))).toBe('王***');
  });
});
