import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * The CLI as an operator runs it: compiled (into `outDir`, one per test file so files can build side by side), in
 * its own process, configured only by the environment, in a directory without a .env.
 */
export function compiledCli(outDir: string) {
  const dir = resolve(outDir);
  const cwd = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-cli-'));
  return {
    dir,
    build() {
      execFileSync(process.execPath, [
        resolve('node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        dir,
      ]);
    },
    run(args: readonly string[], env: Record<string, string>, options: { cli?: string } = {}): CliRun {
      const child = spawn(process.execPath, [options.cli ?? join(dir, 'cli.js'), ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (d) => {
        stdout += d;
      });
      child.stderr?.on('data', (d) => {
        stderr += d;
      });
      const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
        child.on('exit', (code) => res({ code, stdout, stderr })),
      );
      return { child, done };
    },
  };
}
