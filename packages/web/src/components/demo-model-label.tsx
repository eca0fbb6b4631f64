/** Design §8: answers from the built-in offline model are labelled as such, never passed off as an LLM. */
export function DemoModelLabel() {
  return (
    <span
      className="badge badge--demo"
      data-testid="offline-demo-label"
      title="No LLM is configured: replies come from Parley's built-in offline demo model. Set a model in Settings."
    >
      Offline demo model
    </span>
  );
}
