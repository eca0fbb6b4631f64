import type { DiffLine } from './line-diff';

const prefixes: Record<DiffLine['kind'], string> = {
  hunk: '',
  context: ' ',
  added: '+',
  removed: '-',
  note: '',
};

/**
 * A diff, one line each, added lines green and removed ones red; the `+`/`-` prefix stays in the
 * text so the change reads without colour too. Long diffs scroll inside the view.
 */
export function DiffView({ lines, label }: { lines: readonly DiffLine[]; label: string }) {
  const added = lines.filter((line) => line.kind === 'added').length;
  const removed = lines.filter((line) => line.kind === 'removed').length;
  return (
    <figure className="diff" data-testid="diff-view">
      <figcaption className="diff__caption">
        {label}{' '}
        <span className="diff__counts">
          <span className="diff__count--added">+{added}</span>{' '}
          <span className="diff__count--removed">−{removed}</span>
        </span>
      </figcaption>
      {/* Focusable so a long diff can be scrolled from the keyboard. */}
      <pre className="diff__lines" tabIndex={0} aria-label={label}>
        {lines.map((line, index) => (
          <span key={index} className={`diff__line diff__line--${line.kind}`}>
            {prefixes[line.kind]}
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
