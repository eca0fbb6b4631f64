import { useId, useState } from 'react';
import type { SettingsResponse, SettingsUpdate } from '@parley/protocol';
import type { FormEvent } from 'react';
import { ErrorBanner } from '../../components/error-banner';

export interface SettingsFormProps {
  /** What the server has stored; null when nothing is saved yet. */
  settings: SettingsResponse | null;
  models: string[];
  onSave: (update: SettingsUpdate) => Promise<void>;
}

/**
 * Model, base URL, API key and budget. Only changed fields are posted (the server takes a partial
 * update). The API key is write-only: the server never returns it, the form only shows whether one
 * is set, and an empty key field leaves the stored key alone.
 */
export function SettingsForm({ settings, models, onSave }: SettingsFormProps) {
  const [model, setModel] = useState(settings?.llm_model ?? '');
  const [baseUrl, setBaseUrl] = useState(settings?.llm_base_url ?? '');
  const [apiKey, setApiKey] = useState('');
  const [budget, setBudget] = useState(
    settings?.max_budget_per_task === null || settings?.max_budget_per_task === undefined
      ? ''
      : String(settings.max_budget_per_task),
  );
  const [keySet, setKeySet] = useState(settings?.llm_api_key_set ?? false);
  const [saved, setSaved] = useState<SettingsResponse | null>(settings);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<string | null>(null);
  const ids = {
    model: useId(),
    models: useId(),
    baseUrl: useId(),
    key: useId(),
    keyHint: useId(),
    budget: useId(),
  };

  const buildUpdate = (): SettingsUpdate | string => {
    const update: SettingsUpdate = {};
    const trimmedModel = model.trim();
    if (trimmedModel !== (saved?.llm_model ?? ''))
      update.llm_model = trimmedModel === '' ? null : trimmedModel;
    const trimmedUrl = baseUrl.trim();
    if (trimmedUrl !== (saved?.llm_base_url ?? '')) {
      if (trimmedUrl !== '' && !/^https?:\/\/\S+$/i.test(trimmedUrl))
        return 'The base URL must start with http:// or https://';
      update.llm_base_url = trimmedUrl === '' ? null : trimmedUrl;
    }
    if (apiKey !== '') update.llm_api_key = apiKey;
    const trimmedBudget = budget.trim();
    const savedBudget = saved?.max_budget_per_task ?? null;
    if (trimmedBudget === '') {
      if (savedBudget !== null) update.max_budget_per_task = null;
    } else {
      const value = Number(trimmedBudget);
      if (!Number.isFinite(value) || value < 0)
        return 'The budget must be a number of dollars, 0 or more';
      if (value !== savedBudget) update.max_budget_per_task = value;
    }
    return update;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const update = buildUpdate();
    if (typeof update === 'string') {
      setError(update);
      return;
    }
    setStatus('saving');
    try {
      await onSave(update);
      if (update.llm_api_key !== undefined) setKeySet(true);
      setApiKey('');
      setSaved((previous) => ({
        ...(previous ?? ({} as SettingsResponse)),
        llm_model:
          update.llm_model === undefined ? (previous?.llm_model ?? null) : update.llm_model,
        llm_base_url:
          update.llm_base_url === undefined
            ? (previous?.llm_base_url ?? null)
            : update.llm_base_url,
        max_budget_per_task:
          update.max_budget_per_task === undefined
            ? (previous?.max_budget_per_task ?? null)
            : update.max_budget_per_task,
      }));
      setStatus('saved');
    } catch (caught) {
      setStatus('idle');
      setError(`Could not save: ${caught instanceof Error ? caught.message : String(caught)}`);
    }
  };

  const clearKey = async () => {
    setError(null);
    setStatus('saving');
    try {
      await onSave({ llm_api_key: null });
      setKeySet(false);
      setStatus('saved');
    } catch (caught) {
      setStatus('idle');
      setError(
        `Could not clear the key: ${caught instanceof Error ? caught.message : String(caught)}`,
      );
    }
  };

  return (
    <form className="card settings-form" onSubmit={submit} data-testid="settings-form" noValidate>
      <h2 className="card__title">Language model</h2>
      {error !== null && <ErrorBanner message={error} onDismiss={() => setError(null)} />}

      <div className="field">
        <label htmlFor={ids.model}>Model</label>
        <input
          id={ids.model}
          className="input"
          name="llm_model"
          list={ids.models}
          value={model}
          onChange={(event) => {
            setModel(event.target.value);
            setStatus('idle');
          }}
          placeholder="demo"
          autoComplete="off"
          spellCheck={false}
        />
        <datalist id={ids.models}>
          {models.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <p className="field__hint">
          <code>demo</code> is the built-in offline model. Others: e.g. <code>openai/gpt-4o</code>,{' '}
          <code>anthropic/claude-sonnet-4</code>.
        </p>
      </div>

      <div className="field">
        <label htmlFor={ids.baseUrl}>Base URL</label>
        <input
          id={ids.baseUrl}
          className="input"
          name="llm_base_url"
          type="url"
          inputMode="url"
          value={baseUrl}
          onChange={(event) => {
            setBaseUrl(event.target.value);
            setStatus('idle');
          }}
          placeholder="https://api.openai.com/v1 (optional)"
          autoComplete="off"
          spellCheck={false}
        />
      </div>

      <div className="field">
        <label htmlFor={ids.key}>
          API key{' '}
          <span className={keySet ? 'badge badge--ok' : 'badge'} data-testid="api-key-status">
            {keySet ? 'set' : 'not set'}
          </span>
        </label>
        <div className="field__row">
          <input
            id={ids.key}
            className="input"
            name="llm_api_key"
            type="password"
            value={apiKey}
            onChange={(event) => {
              setApiKey(event.target.value);
              setStatus('idle');
            }}
            placeholder={keySet ? '•••••••• (leave empty to keep)' : 'Paste a key'}
            autoComplete="new-password"
            aria-describedby={ids.keyHint}
          />
          {keySet && (
            <button
              type="button"
              className="button"
              onClick={() => void clearKey()}
              disabled={status === 'saving'}
            >
              Clear key
            </button>
          )}
        </div>
        <p id={ids.keyHint} className="field__hint">
          Write-only: the key is stored encrypted and never shown again.
        </p>
      </div>

      <div className="field">
        <label htmlFor={ids.budget}>Max budget per task (USD)</label>
        <input
          id={ids.budget}
          className="input input--short"
          name="max_budget_per_task"
          type="number"
          min="0"
          step="0.01"
          inputMode="decimal"
          value={budget}
          onChange={(event) => {
            setBudget(event.target.value);
            setStatus('idle');
          }}
          placeholder="no limit"
        />
      </div>

      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={status === 'saving'}>
          {status === 'saving' ? 'Saving…' : 'Save settings'}
        </button>
        <span role="status" className="form-actions__status">
          {status === 'saved' ? 'Saved' : ''}
        </span>
      </div>
    </form>
  );
}
