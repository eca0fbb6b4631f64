import { describe, expect, it } from 'vitest';
import { mergeSection, renderSection, type TableSection } from './document-table.js';

const order = ['R1', 'R2', 'R14', 'R16'];
const header = '| Scenario | DB | Result |\n| --- | --- | --- |';

const previous = renderSection({
  stamp: 'Run 2026-12-01, short profile, commit aaa, 2 cores, 24 GiB.',
  table: [
    header,
    '| R1 kill | sqlite | pass |',
    '| R1 kill | postgres | pass |',
    '| R2 reconnect | sqlite | pass |',
    '| R14 secrets | sqlite | FAIL |',
  ].join('\n'),
  notes: '- R1 (sqlite): one\n- R14 (sqlite): old note',
  knownOpen: 'Known open (FAIL above, allowed by the test suite until fixed):\n\n- R14, x: y',
});

function fresh(rows: string[], notes = '', stamp = 'Run 2026-12-04, commit bbb.'): TableSection {
  return { stamp, table: [header, ...rows].join('\n'), notes, knownOpen: '' };
}

describe('the reliability table of a partial run', () => {
  it('replaces the chosen scenarios’ rows and notes, keeps the others, in the scenarios’ order', () => {
    const merged = mergeSection(
      previous,
      fresh(
        ['| R16 escape | sqlite | pass |', '| R14 secrets | sqlite | pass |'],
        '- R16 (sqlite): new',
      ),
      ['R14', 'R16'],
      order,
    );
    expect(merged).toBe(
      [
        'Run 2026-12-01, short profile, commit aaa, 2 cores, 24 GiB. R14, R16: Run 2026-12-04, commit bbb.',
        '',
        header,
        '| R1 kill | sqlite | pass |',
        '| R1 kill | postgres | pass |',
        '| R2 reconnect | sqlite | pass |',
        '| R14 secrets | sqlite | pass |',
        '| R16 escape | sqlite | pass |',
        '',
        '- R1 (sqlite): one',
        '- R16 (sqlite): new',
      ].join('\n'),
    );
  });

  it('drops an earlier partial stamp of the same scenarios and keeps the others', () => {
    const once = mergeSection(previous, fresh(['| R16 escape | sqlite | pass |']), ['R16'], order);
    const twice = mergeSection(
      once,
      fresh(['| R2 reconnect | sqlite | pass |'], '', 'Run B.'),
      ['R2'],
      order,
    );
    const thrice = mergeSection(
      twice,
      fresh(['| R16 escape | sqlite | FAIL |'], '', 'Run C.'),
      ['R16'],
      order,
    );
    expect(thrice.split('\n')[0]).toBe(
      'Run 2026-12-01, short profile, commit aaa, 2 cores, 24 GiB. R2: Run B. R16: Run C.',
    );
    expect(thrice).toContain('| R16 escape | sqlite | FAIL |');
    expect(thrice).not.toContain('| R16 escape | sqlite | pass |');
    expect(thrice.match(/\| R2 reconnect/g)).toHaveLength(1);
  });
});
