/** @vitest-environment jsdom */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { SettingsResponse, SettingsUpdate } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsForm } from './settings-form';

afterEach(cleanup);

const stored = {
  llm_model: 'openai/gpt-4o',
  llm_api_key: null,
  llm_base_url: null,
  llm_api_key_set: true,
  max_budget_per_task: null,
} as unknown as SettingsResponse;

function renderForm(
  settings: SettingsResponse | null,
  onSave = vi.fn(async (_update: SettingsUpdate) => {}),
) {
  render(<SettingsForm settings={settings} models={['demo', 'openai/gpt-4o']} onSave={onSave} />);
  return onSave;
}

describe('SettingsForm', () => {
  it('never shows the stored key, only that one is set', () => {
    renderForm(stored);
    const key = screen.getByLabelText(/API key/) as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    expect(screen.getByTestId('api-key-status').textContent).toBe('set');
  });

  it('says "not set" when no key is stored', () => {
    renderForm(null);
    expect(screen.getByTestId('api-key-status').textContent).toBe('not set');
  });

  it('posts only what changed; an empty key field leaves the stored key alone', async () => {
    const onSave = renderForm(stored);
    fireEvent.change(screen.getByLabelText('Max budget per task (USD)'), {
      target: { value: '2.5' },
    });
    fireEvent.submit(screen.getByTestId('settings-form'));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(1));
    expect(onSave).toHaveBeenCalledWith({ max_budget_per_task: 2.5 });
  });

  it('sends a typed key once, then empties the field and shows "set"', async () => {
    const onSave = renderForm({ ...stored, llm_api_key_set: false });
    const key = screen.getByLabelText(/API key/) as HTMLInputElement;
    fireEvent.change(key, { target: { value: 'sk-secret' } });
    fireEvent.submit(screen.getByTestId('settings-form'));
    await waitFor(() => expect(onSave).toHaveBeenCalledWith({ llm_api_key: 'sk-secret' }));
    await waitFor(() => expect(key.value).toBe(''));
    expect(screen.getByTestId('api-key-status').textContent).toBe('set');
  });

  it('refuses a base URL that is not http(s) without posting', async () => {
    const onSave = renderForm(stored);
    fireEvent.change(screen.getByLabelText('Base URL'), { target: { value: 'ftp://example' } });
    fireEvent.submit(screen.getByTestId('settings-form'));
    expect(await screen.findByTestId('error-banner')).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });
});
