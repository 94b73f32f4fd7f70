import { describe, expect, it } from 'vitest';
import { findPastedKeys, MAX_KEYS_PER_MESSAGE } from '../../../src/features/pasted-keys/domain.js';

// Obviously fake: shaped like keys, spelled like test data.
const KEY = 'AKIAFAKEPASTEEXAMPLE';
const SECRET = 'FAKEsecretKEYforTESTSonly/notREALEXAMPLE';

describe('keys pasted into Slack', () => {
  it('finds an access key ID, word-bounded, and a secret next to it', () => {
    expect(findPastedKeys(`here: ${KEY}`)).toEqual([{ keyId: KEY, temporary: false, secretToo: false }]);
    expect(findPastedKeys(`aws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}`)).toEqual([
      { keyId: KEY, temporary: false, secretToo: true },
    ]);
    expect(findPastedKeys(`\`${KEY}\`, (${KEY})`)).toHaveLength(1);
  });

  it('tells temporary keys apart', () => {
    expect(findPastedKeys('ASIAFAKETEMPOEXAMPLE')).toEqual([
      { keyId: 'ASIAFAKETEMPOEXAMPLE', temporary: true, secretToo: false },
    ]);
  });

  it('ignores lookalikes: inside longer words, lower case, too short, and a hash with no key', () => {
    expect(findPastedKeys(`X${KEY}`)).toEqual([]);
    expect(findPastedKeys(`${KEY}X`)).toEqual([]);
    expect(findPastedKeys(KEY.toLowerCase())).toEqual([]);
    expect(findPastedKeys('AKIAFAKEPASTEEXAMPL')).toEqual([]);
    expect(findPastedKeys(SECRET)).toEqual([]);
    expect(findPastedKeys('nothing to see here')).toEqual([]);
  });

  it('does not count a long word or a hex digest as a secret', () => {
    expect(findPastedKeys(`${KEY} ${'a'.repeat(40)} ${'0123456789abcdef'.repeat(3).slice(0, 40)}`)).toEqual([
      { keyId: KEY, temporary: false, secretToo: false },
    ]);
  });

  it(`acts on at most ${MAX_KEYS_PER_MESSAGE} keys of one message`, () => {
    const many = Array.from({ length: 12 }, (_, i) => `AKIAFAKE${String(i).padStart(5, '0')}EXAMPLE`).join(
      ' ',
    );
    expect(findPastedKeys(many)).toHaveLength(MAX_KEYS_PER_MESSAGE);
  });
});
