import { useEffect, useState } from 'react';
import type { SettingsResponse, SettingsUpdate } from '@parley/protocol';
import { api, describeError } from '../../app/backend';
import { ErrorBanner } from '../../components/error-banner';
import { Spinner } from '../../components/spinner';
import { SettingsForm } from './settings-form';
import { ApiTokensCard } from '../account/api-tokens-card';
import { useAccount } from '../account/account-context';
import { SessionKeyForm } from './session-key-form';

type Loaded = { settings: SettingsResponse | null; models: string[] };

export function SettingsPage() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { mode } = useAccount().options;

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([
      api.getSettings(controller.signal),
      api.listModels(controller.signal).catch(() => ['demo']),
    ])
      .then(([settings, models]) => setLoaded({ settings, models }))
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        setError(`Could not load settings: ${describeError(caught)}`);
      });
    return () => controller.abort();
  }, [attempt]);

  const save = async (update: SettingsUpdate) => {
    await api.saveSettings(update);
  };

  return (
    <div className="page page--narrow">
      <h1 className="page__title">Settings</h1>
      {error !== null && (
        <ErrorBanner
          message={error}
          onRetry={() => {
            setError(null);
            setAttempt((value) => value + 1);
          }}
        />
      )}
      {loaded === null ? (
        error === null && <Spinner label="Loading settings" />
      ) : (
        <SettingsForm settings={loaded.settings} models={loaded.models} onSave={save} />
      )}
      <ApiTokensCard />
      {/* The shared SESSION_API_KEY is a single-user setting; accounts use tokens instead. */}
      {mode === 'none' && <SessionKeyForm />}
    </div>
  );
}
