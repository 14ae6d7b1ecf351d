import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { buildAppPackage, configFromEnv, environmentFor } from '../../manifest/package';

/**
 * The Microsoft 365 Agents Toolkit project (m365agents.yml, env/, manifest/) as the Toolkit's own CLI sees it,
 * offline: `atk package --env dev` builds the app package and `atk validate` checks the manifest schema and
 * the Teams validation rules. Ids come from the shell environment, which overrides env/.env.dev as in CI.
 */
const ROOT = path.join(__dirname, '..', '..');
const ATK = path.join(ROOT, 'node_modules', '@microsoft', 'm365agentstoolkit-cli', 'cli.js');
const IDS = {
  TEAMS_APP_ID: '11111111-2222-4333-8444-555555555555',
  BOT_ID: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  BOT_DOMAIN: 'coop-claims.example.org',
};

const temp: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-atk-'));
  temp.push(d);
  return d;
};
afterAll(() => temp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Runs the CLI without telemetry, in its own HOME (the CLI keeps state there). */
function atk(args: string[], cwd = ROOT): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ATK, ...args, '--telemetry', 'false'],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: tempDir(), ...IDS }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) || 1 : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('Agents Toolkit project', () => {
  const out = tempDir();
  const zipPath = path.join(out, 'appPackage.dev.zip');
  let packaged: { code: number; output: string };
  let validated: { code: number; output: string };
  let broken: { code: number; output: string };

  beforeAll(async () => {
    // A copy of the project with a manifest Teams would refuse (an accent colour that is not #RRGGBB).
    const copy = tempDir();
    for (const entry of ['m365agents.yml', 'env', 'manifest'])
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    const manifestFile = path.join(copy, 'manifest', 'manifest.json');
    fs.writeFileSync(manifestFile, fs.readFileSync(manifestFile, 'utf8').replace('"accentColor": "#0E7C66"', '"accentColor": "green"'));

    [packaged, validated, broken] = await Promise.all([
      atk([
        'package',
        '--env',
        'dev',
        '--manifest-file',
        './manifest/manifest.json',
        '--output-package-file',
        zipPath,
        '--output-folder',
        out,
      ]),
      atk(['validate', '--manifest-file', './manifest/manifest.json', '--env', 'dev']),
      atk(['validate', '--manifest-file', './manifest/manifest.json', '--env', 'dev'], copy),
    ]);
  }, 180_000);

  it('atk package --env dev builds the app package from manifest/ with the ids filled in', async () => {
    expect(packaged.output).toMatch(/built successfully/);
    expect(packaged.code).toBe(0);
    const zip = await JSZip.loadAsync(fs.readFileSync(zipPath));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'ko-kr.json', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      id: IDS.TEAMS_APP_ID,
      bots: [{ botId: IDS.BOT_ID }],
      validDomains: [IDS.BOT_DOMAIN, 'token.botframework.com'],
    });
    expect(JSON.stringify(manifest)).not.toContain('${{');

    // `npm run package -- --env dev` renders the very same manifest (and adds its deeper checks).
    const ours = await buildAppPackage({ config: configFromEnv(environmentFor('dev', IDS)).config, outDir: tempDir() });
    expect(ours.errors).toEqual([]);
    expect(ours.manifest).toEqual(manifest);
  });

  it('atk validate passes the manifest schema and the Teams validation rules', () => {
    expect(validated.output).toMatch(/checked manifest\(s\) with the corresponding schema[\s\S]*All passed/);
    expect(validated.code).toBe(0);
  });

  it('atk validate refuses a manifest Teams would refuse', () => {
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(/accentColor/);
  });
});
