import { describe, expect, it } from 'vitest';
import { bar, Progress } from './progress.js';

/** A tiny terminal: applies \r, \n, ESC[K and ESC[nA to a screen of lines. */
function terminal() {
  const screen: string[] = [''];
  let row = 0;
  let col = 0;
  return {
    isTTY: true,
    write(t: string) {
      for (let i = 0; i < t.length; i++) {
        const c = t[i]!;
        if (c === '\r') col = 0;
        else if (c === '\n') {
          row++;
          col = 0;
          while (screen.length <= row) screen.push('');
        } else if (c === '\x1b') {
          const m = t.slice(i).match(/^\x1b\[(\d*)([AK])/)!;
          if (m[2] === 'K') screen[row] = screen[row]!.slice(0, col);
          else row = Math.max(0, row - Number(m[1] || 1));
          i += m[0].length - 1;
        } else {
          const line = screen[row]!.padEnd(col);
          screen[row] = line.slice(0, col) + c + line.slice(col + 1);
          col++;
        }
      }
    },
    screen: () => screen.filter((l, i) => l !== '' || i === 0),
  };
}

describe('terminal progress', () => {
  it('redraws the spinner and its detail lines in place, shorter or longer, and erases them', () => {
    const t = terminal();
    const p = new Progress(t, { quiet: false });
    p.update('Running');
    expect(t.screen()).toEqual(['- Running ...']);
    p.update('Running', ['a', 'b', 'c']);
    p.update('Running', ['x']);
    expect(t.screen()).toEqual(['| Running ..', 'x']);
    p.update('Running', ['1', '2', '3', '4']);
    expect(t.screen()).toEqual(['/ Running ...', '1', '2', '3', '4']);
    p.done();
    expect(t.screen()).toEqual(['']);
  });

  it('writes nothing without a terminal or with --only-show-errors', () => {
    let out = '';
    new Progress({ isTTY: false, write: (s) => (out += s) }, { quiet: false }).update('Running', ['x']);
    new Progress({ isTTY: true, write: (s) => (out += s) }, { quiet: true }).update('Running', ['x']);
    expect(out).toBe('');
  });

  it('draws bars', () => {
    expect(bar(1, 3, 6)).toBe('[##----]');
    expect(bar(3, 3, 6)).toBe('[######]');
    expect(bar(0, 0, 4)).toBe('[####]');
  });
});
