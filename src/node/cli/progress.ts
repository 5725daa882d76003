/** A terminal progress bar on stderr; silent when stderr is not a TTY (CLI.md). */
export interface ProgressReporter {
  tick(n?: number, note?: string): void;
  done(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const enabled = Boolean(stream.isTTY) && total > 0;
  let current = 0;
  let lastDraw = 0;
  const start = Date.now();
  const draw = (note?: string, force = false): void => {
    if (!enabled) return;
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    const width = 28;
    const frac = Math.min(1, current / total);
    const filled = Math.round(frac * width);
    const secs = ((now - start) / 1000).toFixed(1);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    stream.write(`\r${label} [${bar}] ${current}/${total} ${secs}s${note ? ' ' + note : ''}\x1b[K`);
  };
  return {
    tick(n = 1, note) {
      current += n;
      draw(note);
    },
    done() {
      if (!enabled) return;
      current = total;
      draw(undefined, true);
      stream.write('\n');
    },
  };
}
