import { describe, expect, it } from 'vitest';
import { mergeSettings, type StoredSettings } from './settings-store.js';

const stored: StoredSettings = {
  fields: { language: 'en', llm_model: 'openai/gpt-4o', condenser_max_size: 120 },
  keys: { llm_api_key: 'sk-old', search_api_key: 'tvly-old' },
};

/** The partial-update rules of `POST /api/settings`. */
describe('mergeSettings', () => {
  it('starts from nothing: keeps what is given, drops empty keys', () => {
    expect(
      mergeSettings(undefined, {
        language: 'fr',
        llm_api_key: 'sk-new',
        search_api_key: '',
        sandbox_api_key: null,
      }),
    ).toEqual({ fields: { language: 'fr' }, keys: { llm_api_key: 'sk-new' } });
  });

  it('keeps every field and key the update omits', () => {
    expect(mergeSettings(stored, { confirmation_mode: true })).toEqual({
      fields: { ...stored.fields, confirmation_mode: true },
      keys: stored.keys,
    });
  });

  it('replaces a key given a new value; null keeps it; "" clears it', () => {
    expect(mergeSettings(stored, { llm_api_key: 'sk-new' }).keys).toEqual({
      llm_api_key: 'sk-new',
      search_api_key: 'tvly-old',
    });
    expect(mergeSettings(stored, { llm_api_key: null }).keys).toEqual(stored.keys);
    expect(mergeSettings(stored, { llm_api_key: '', search_api_key: '' }).keys).toEqual({});
  });

  it('never puts a key among the plain fields', () => {
    const merged = mergeSettings(stored, { llm_api_key: 'sk-new', search_api_key: 'x' });
    expect(Object.keys(merged.fields)).not.toContain('llm_api_key');
    expect(Object.keys(merged.fields)).not.toContain('search_api_key');
    expect(JSON.stringify(merged.fields)).not.toContain('sk-new');
  });

  it('stores an explicit null for a plain field (it then reads as the default)', () => {
    expect(mergeSettings(stored, { llm_model: null }).fields).toEqual({
      ...stored.fields,
      llm_model: null,
    });
  });

  it('skips undefined values', () => {
    expect(mergeSettings(stored, { language: undefined, llm_api_key: undefined })).toEqual(stored);
  });

  it('does not change its inputs', () => {
    const before = structuredClone(stored);
    mergeSettings(stored, { language: 'de', llm_api_key: '' });
    expect(stored).toEqual(before);
  });
});
