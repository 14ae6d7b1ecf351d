import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { execFileSync } from 'node:child_process';
import {
  buildAppPackage,
  checkConfig,
  checkIcons,
  configFromEnv,
  inspectPng,
  validateLocalization,
  validateManifest,
  type AppPackageConfig,
  type TeamsManifestJson,
} from '../../manifest/package';
import { parseCommand } from '../../bot/commands';
import { encodePng } from '../../manifest/png';
import { writeIcons } from '../../manifest/icons';

const MANIFEST_DIR = path.join(__dirname, '..', '..', 'manifest');
const SCHEMA_DIR = path.join(path.dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');

const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
  .version;
const config: AppPackageConfig = {
  teamsAppId: '11111111-2222-4333-8444-555555555555',
  botAppId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  botDomain: 'coop-claims.example.com',
  appVersion: PACKAGE_VERSION,
};

// The bot's commands, as the issue fixes them; the manifest must offer exactly these.
const BOT_COMMANDS = ['help', 'new claim', 'claims', 'claim', 'history', 'reviews'];
const HANGUL = /[\uAC00-\uD7A3]/;

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-manifest-'));
  tempDirs.push(dir);
  return dir;
}

/** A copy of manifest/ whose files can be broken without touching the real ones. */
function sourceCopy(): string {
  const dir = tempDir();
  for (const file of ['manifest.json', 'ko-kr.json', 'color.png', 'outline.png']) {
    fs.copyFileSync(path.join(MANIFEST_DIR, file), path.join(dir, file));
  }
  return dir;
}

type ManifestJson = { bots: Array<{ botId?: string }> };

function editJson(file: string, edit: (json: ManifestJson) => void): void {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

let outDir: string;
let zip: JSZip;
let manifest: TeamsManifestJson;
let localization: Record<string, string>;

beforeAll(async () => {
  outDir = tempDir();
  const result = await buildAppPackage({ config, outDir });
  expect(result.errors).toEqual([]);
  expect(result.ok).toBe(true);
  zip = await JSZip.loadAsync(fs.readFileSync(result.zipPath!));
  manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
  localization = JSON.parse(await zip.file('ko-kr.json')!.async('string'));
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function zipBuffer(name: string): Promise<Buffer> {
  return zip.file(name)!.async('nodebuffer');
}

describe('the app package zip', () => {
  it('holds exactly manifest.json, ko-kr.json, color.png and outline.png at its root', () => {
    const entries = Object.values(zip.files).map((f) => f.name);
    expect(entries.sort()).toEqual(['color.png', 'ko-kr.json', 'manifest.json', 'outline.png']);
    expect(fs.readdirSync(outDir)).toEqual(['coop-claims.zip']);
  });

  it('is reproducible: the same inputs give the same bytes', async () => {
    const again = await buildAppPackage({ config, outDir: tempDir() });
    expect(fs.readFileSync(again.zipPath!).equals(fs.readFileSync(path.join(outDir, 'coop-claims.zip')))).toBe(true);
  });
});

describe('manifest.json', () => {
  it('validates against the official Teams schema for its version (newest shipped)', async () => {
    expect(validateManifest(manifest)).toEqual([]);
    // Cross-check with the official package's own validator, independent of ours.
    // Run in a child process: the package's entry loads an ES module jest cannot require.
    const file = path.join(tempDir(), 'manifest.json');
    fs.writeFileSync(file, JSON.stringify(manifest));
    const schemaFile = path.join(SCHEMA_DIR, `v${manifest.manifestVersion}`, 'MicrosoftTeams.schema.json');
    const script =
      "const { ManifestUtil } = require('@microsoft/app-manifest'); const fs = require('fs');" +
      'ManifestUtil.validateManifestAgainstSchema(JSON.parse(fs.readFileSync(process.argv[1])), ' +
      'JSON.parse(fs.readFileSync(process.argv[2]))).then((e) => console.log(JSON.stringify(e)));';
    const official = execFileSync(process.execPath, ['-e', script, file, schemaFile], { encoding: 'utf8' });
    expect(JSON.parse(official)).toEqual([]);
    const shipped = fs
      .readdirSync(SCHEMA_DIR)
      .filter((v) => /^v1\.\d+$/.test(v))
      .map((v) => Number(v.slice(3)));
    expect(Number(manifest.manifestVersion.split('.')[1])).toBe(Math.max(...shipped));
  });

  it('is filled from configuration: app id, bot id, SSO resource and domain', () => {
    expect(manifest.id).toBe(config.teamsAppId);
    expect(manifest.version).toBe(PACKAGE_VERSION);
    expect(manifest.bots![0].botId).toBe(config.botAppId);
    expect(manifest.webApplicationInfo).toEqual({
      id: config.botAppId,
      resource: `api://coop-claims.example.com/${config.botAppId}`,
    });
    expect(manifest.validDomains).toContain('coop-claims.example.com');
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
  });

  it('declares a conversational bot that accepts files in personal, team and group chats', () => {
    const bot = manifest.bots![0];
    expect(bot.scopes!.sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot.supportsFiles).toBe(true);
    expect(bot.isNotificationOnly).toBe(false);
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(manifest.name).toEqual({ short: 'Co-op Claims', full: 'Co-op Claims for Teams' });
  });

  it("offers the bot's commands, each described, in every scope", () => {
    const lists = manifest.bots![0].commandLists!;
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const list of lists) {
      expect(list.commands.map((c) => c.title)).toEqual(BOT_COMMANDS);
      for (const command of list.commands) expect(command.description?.trim()).toBeTruthy();
    }
  });

  it('the examples in command descriptions (English and Korean) open a claim when typed', () => {
    const examples = [
      ...manifest.bots![0].commandLists!.flatMap((l) => l.commands.map((c) => c.description ?? '')),
      ...Object.values(localization),
    ].flatMap((d) => [...String(d).matchAll(/(?:claim|history|청구 열기|청구|기록) CLM-\S+/g)].map((m) => m[0]));
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const e of examples) {
      expect([e, parseCommand(e)]).toEqual([
        e,
        { name: expect.stringMatching(/^(claim|history)$/), number: expect.stringMatching(/^CLM-\d{4}-\d{5}$/) },
      ]);
    }
  });

  it('each command title, English or Korean, is a command the bot understands when picked from the menu', () => {
    const expected = ['help', 'newClaim', 'overview', 'overview', 'overview', 'reviews'];
    manifest.bots![0].commandLists!.forEach((list, l) =>
      list.commands.forEach((c, i) => {
        expect([c.title, parseCommand(c.title).name]).toEqual([c.title, expected[i]]);
        const ko = localization[`bots[0].commandLists[${l}].commands[${i}].title`]!;
        expect(ko).toMatch(HANGUL);
        expect([ko, parseCommand(ko).name]).toEqual([ko, expected[i]]);
        // With a number, "claim" and "history" open that claim.
        if (i === 3 || i === 4)
          expect(parseCommand(`${ko} CLM-2026-00042`)).toEqual({ name: i === 3 ? 'claim' : 'history', number: 'CLM-2026-00042' });
      }),
    );
  });

  it('fails validation when the bot id is missing or a command list is wrong', () => {
    const noBotId = structuredClone(manifest);
    delete (noBotId.bots![0] as Partial<{ botId: string }>).botId;
    expect(validateManifest(noBotId).join('\n')).toMatch(/botId/);

    const badScope = structuredClone(manifest);
    badScope.bots![0].commandLists![0].scopes = ['channel'];
    expect(validateManifest(badScope).join('\n')).toMatch(/commandLists\/0\/scopes/);

    const untitled = structuredClone(manifest);
    delete (untitled.bots![0].commandLists![1].commands[2] as Partial<{ title: string }>).title;
    expect(validateManifest(untitled).join('\n')).toMatch(/title/);

    const tooMany = structuredClone(manifest);
    tooMany.bots![0].commandLists![0].commands = Array.from({ length: 13 }, (_, i) => ({ title: `c${i}` }));
    expect(validateManifest(tooMany)).not.toEqual([]);
  });

  it('refuses to package an invalid manifest and writes no zip', async () => {
    const source = sourceCopy();
    editJson(path.join(source, 'manifest.json'), (m) => {
      delete m.bots[0].botId;
    });
    const target = tempDir();
    const result = await buildAppPackage({ config, outDir: target, sourceDir: source });
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(/botId/);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('rejects configuration that is not a GUID or a bare host name', () => {
    const errors = checkConfig({ ...config, botAppId: 'playground-bot', botDomain: 'https://bot.example.com/api' });
    expect(errors).toHaveLength(2);
    expect(errors.join('\n')).toMatch(/BOT_ID \(MicrosoftAppId\) must be a GUID/);
    expect(errors.join('\n')).toMatch(/BOT_DOMAIN/);
  });

  it('falls back to demo ids with a note when the environment is empty, and still packages', async () => {
    const { config: defaults, notes } = configFromEnv({});
    expect(notes).toHaveLength(3);
    expect(checkConfig(defaults)).toEqual([]);
    const fromEnv = configFromEnv({ TEAMS_APP_ID: config.teamsAppId, MicrosoftAppId: config.botAppId, BOT_DOMAIN: 'x.example.org' });
    expect(fromEnv.notes).toEqual([]);
    expect(fromEnv.config.botDomain).toBe('x.example.org');
    expect((await buildAppPackage({ config: defaults, outDir: tempDir() })).ok).toBe(true);
  });
});

describe('ko-kr.json', () => {
  it('is declared in the manifest and validates against the official localization schema', () => {
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'en-us',
      additionalLanguages: [{ languageTag: 'ko-kr', file: 'ko-kr.json' }],
    });
    expect(validateLocalization('ko-kr.json', localization, manifest)).toEqual([]);
  });

  it('is in Korean: app name, descriptions and every command description', () => {
    for (const key of ['name.short', 'name.full', 'description.short', 'description.full']) {
      expect(localization[key]).toMatch(HANGUL);
    }
    const lists = manifest.bots![0].commandLists!;
    lists.forEach((list, l) =>
      list.commands.forEach((_, c) => {
        expect(localization[`bots[0].commandLists[${l}].commands[${c}].description`]).toMatch(HANGUL);
      }),
    );
  });

  it('fails validation for unknown keys, over-long text and keys pointing at missing commands', () => {
    expect(validateLocalization('ko-kr.json', { ...localization, 'name.nickname': '별명' }, manifest)).not.toEqual([]);
    expect(validateLocalization('ko-kr.json', { ...localization, 'description.short': '가'.repeat(81) }, manifest).join('\n')).toMatch(
      /description\.short/,
    );
    const dangling = { ...localization, 'bots[0].commandLists[0].commands[9].description': '없는 명령' };
    expect(validateLocalization('ko-kr.json', dangling, manifest).join('\n')).toMatch(/commands\[9\]/);
    const { ['name.short']: _omitted, ...withoutName } = localization;
    expect(validateLocalization('ko-kr.json', withoutName, manifest).join('\n')).toMatch(/name\.short/);
  });
});

describe('icons', () => {
  it('color.png is 192x192 and outline.png is 32x32 white on a transparent background', async () => {
    const color = inspectPng(await zipBuffer('color.png'));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = inspectPng(await zipBuffer('outline.png'));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    expect(outline.hasAlpha).toBe(true);
    expect(outline.transparentPixels).toBeGreaterThan(32 * 32 * 0.4);
    expect(outline.transparentPixels).toBeLessThan(32 * 32); // something is drawn
    expect(outline.nonWhitePixels).toBe(0);
    expect(checkIcons({ color: await zipBuffer('color.png'), outline: await zipBuffer('outline.png') })).toEqual([]);
  });

  it('rejects icons of the wrong size, an opaque outline and a coloured outline', async () => {
    const color = await zipBuffer('color.png');
    const outline = await zipBuffer('outline.png');
    expect(checkIcons({ color: outline, outline: color }).join('\n')).toMatch(/color\.png must be 192x192.*\n.*outline\.png must be 32x32/);

    const opaque = encodePng(32, 32, new Uint8Array(32 * 32 * 4).fill(255));
    expect(checkIcons({ color, outline: opaque })).toEqual(['outline.png must have a transparent background']);

    const blueOnClear = new Uint8Array(32 * 32 * 4);
    for (let i = 0; i < 100 * 4; i += 4) blueOnClear.set([0, 0, 255, 255], i);
    expect(checkIcons({ color, outline: encodePng(32, 32, blueOnClear) }).join('\n')).toMatch(/white only/);
  });

  it('the committed PNGs are exactly what manifest/icons.js draws', () => {
    const dir = tempDir();
    writeIcons(dir);
    for (const name of ['color.png', 'outline.png']) {
      expect(fs.readFileSync(path.join(dir, name)).equals(fs.readFileSync(path.join(MANIFEST_DIR, name)))).toBe(true);
    }
  }, 60_000); // supersampled drawing is CPU-bound: ~1.5 s alone, several times that on a busy machine
});
