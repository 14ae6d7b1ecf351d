'use strict';
// Builds the Teams app package (`npm run package [-- --env dev]`): fills manifest.json's Agents Toolkit
// placeholders (${{TEAMS_APP_ID}}, ${{BOT_ID}}, ${{BOT_DOMAIN}}) from the environment, or from env/.env.<name>
// like `atk package --env <name>` does; validates manifest.json and ko-kr.json against the official schemas
// shipped in @microsoft/app-manifest, and adds the checks the Toolkit does not make: no placeholder left,
// the version equals package.json's, localization keys point at something, icon sizes and outline
// transparency. Zips the four files at the zip root. Plain CommonJS so it runs before anything is compiled.

const fs = require('node:fs');
const path = require('node:path');
const JSZip = require('jszip');
const addFormats = require('ajv-formats');
const { decodePng } = require('./png');

const APP_MANIFEST_DIR = path.dirname(require.resolve('@microsoft/app-manifest'));
// The official package validates its draft-04 schemas with ajv-draft-04; resolve it from there so
// we use the same validator the Teams toolkit uses, hoisted or not.
const AjvDraft04 = require(require.resolve('ajv-draft-04', { paths: [APP_MANIFEST_DIR] }));

/** Used when the environment does not say otherwise, so the package builds on a fresh machine. */
const DEMO_TEAMS_APP_ID = '0e7c66c0-0c1a-4d2b-8e5f-c0c1a1a50001';
const DEMO_BOT_APP_ID = '0e7c66b0-7b07-4a1d-9c3e-c0c1a1a50002';
const DEFAULT_BOT_DOMAIN = 'localhost';

const PACKAGE_FILES = ['manifest.json', 'ko-kr.json', 'color.png', 'outline.png'];
const ICON_SIZES = { color: 192, outline: 32 };
// A fixed timestamp makes the zip byte-for-byte reproducible for the same inputs.
const ZIP_DATE = new Date(Date.UTC(2020, 0, 1));

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// A bare host name: validDomains and the SSO resource URI take no scheme, port or path.
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const SEMVER = /^\d+\.\d+\.\d+$/;

/**
 * Reads an Agents Toolkit environment file (env/.env.<name>, then env/.env.<name>.user): KEY=VALUE lines,
 * `#` comments, optional quotes. Returns {} when the file does not exist.
 * @returns {Record<string, string>}
 */
function readEnvFile(file) {
  if (!fs.existsSync(file)) return {};
  const values = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    values[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** The variables `atk package --env <name>` sees: env files first, the shell's environment over them. */
function environmentFor(name, env = process.env, root = path.join(__dirname, '..')) {
  const dir = path.join(root, 'env');
  return { ...readEnvFile(path.join(dir, `.env.${name}`)), ...readEnvFile(path.join(dir, `.env.${name}.user`)), ...env };
}

/**
 * Reads packaging configuration from an environment map. Missing ids fall back to fixed demo
 * GUIDs (fine for the Agents Playground, not for a real tenant); each fallback adds a note.
 * BOT_ID is the Toolkit's name for the bot's app id; MicrosoftAppId (the bot's own setting) is read too.
 * @param {Record<string, string | undefined>} env
 */
function configFromEnv(env) {
  const notes = [];
  const pick = (name, fallback) => {
    const value = (env[name] || '').trim();
    if (value) return value;
    notes.push(`${name} is not set; using ${fallback}`);
    return fallback;
  };
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  const botId = (env.BOT_ID || '').trim() || (env.MicrosoftAppId || '').trim();
  if (!botId) notes.push(`BOT_ID is not set; using ${DEMO_BOT_APP_ID}`);
  return {
    config: {
      teamsAppId: pick('TEAMS_APP_ID', DEMO_TEAMS_APP_ID),
      botAppId: botId || DEMO_BOT_APP_ID,
      botDomain: pick('BOT_DOMAIN', DEFAULT_BOT_DOMAIN),
      appVersion: pkg.version,
    },
    notes,
  };
}

/** @returns {string[]} problems with the configuration values, before they reach the template */
function checkConfig(config) {
  const errors = [];
  if (!GUID.test(config.teamsAppId)) errors.push(`TEAMS_APP_ID must be a GUID, got "${config.teamsAppId}"`);
  if (!GUID.test(config.botAppId)) errors.push(`BOT_ID (MicrosoftAppId) must be a GUID, got "${config.botAppId}"`);
  if (!HOST.test(config.botDomain)) {
    errors.push(`BOT_DOMAIN must be a host name without scheme, port or path, got "${config.botDomain}"`);
  }
  if (!SEMVER.test(config.appVersion)) errors.push(`app version must be MAJOR.MINOR.PATCH, got "${config.appVersion}"`);
  return errors;
}

/**
 * Substitutes the Toolkit placeholders ${{TEAMS_APP_ID}}, ${{BOT_ID}} and ${{BOT_DOMAIN}} in the manifest
 * text and parses the result. Values are JSON-escaped so no value can change the document's structure.
 */
function renderManifest(templateText, config) {
  const values = { TEAMS_APP_ID: config.teamsAppId, BOT_ID: config.botAppId, BOT_DOMAIN: config.botDomain };
  const filled = templateText.replace(/\$\{\{\s*(\w+)\s*\}\}/g, (placeholder, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? JSON.stringify(values[name]).slice(1, -1) : placeholder,
  );
  return JSON.parse(filled);
}

function schemaPath(manifestVersion, file) {
  return path.join(APP_MANIFEST_DIR, 'json-schemas', 'teams', `v${manifestVersion}`, file);
}

const validators = new Map();
function officialValidator(manifestVersion, file) {
  const key = `${manifestVersion}/${file}`;
  if (!validators.has(key)) {
    const location = schemaPath(manifestVersion, file);
    if (!fs.existsSync(location)) {
      validators.set(key, null);
    } else {
      // unicodeRegExp:false — the official localization schema has a pattern (`\b]`) that is
      // only valid as a non-unicode regular expression, which is how Teams evaluates it.
      const ajv = new AjvDraft04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
      addFormats(ajv, ['uri', 'email', 'regex']);
      validators.set(key, ajv.compile(JSON.parse(fs.readFileSync(location, 'utf8'))));
    }
  }
  return validators.get(key);
}

function schemaErrors(label, validate, document) {
  if (validate(document)) return [];
  return (validate.errors || []).map((e) => `${label}${e.instancePath || ''} ${e.message || 'is invalid'} ${JSON.stringify(e.params)}`);
}

/**
 * Validates a manifest against the official schema for its manifestVersion, plus the rules the
 * schema cannot express (unfilled placeholders, one id for bot and SSO app).
 * @returns {string[]} empty when valid
 */
function validateManifest(manifest) {
  const version = manifest && typeof manifest.manifestVersion === 'string' ? manifest.manifestVersion : '';
  const validate = version && officialValidator(version, 'MicrosoftTeams.schema.json');
  if (!validate) return [`manifest.json: no official schema for manifestVersion "${version}"`];
  const errors = schemaErrors('manifest.json', validate, manifest);
  const placeholders = JSON.stringify(manifest).match(/\$\{\{\s*\w+\s*\}\}/g);
  if (placeholders) errors.push(`manifest.json: unfilled placeholders ${[...new Set(placeholders)].join(', ')}`);
  const bot = Array.isArray(manifest.bots) ? manifest.bots[0] : undefined;
  if (!bot) errors.push('manifest.json: the app must declare its bot');
  else if (manifest.webApplicationInfo && manifest.webApplicationInfo.id !== bot.botId) {
    errors.push('manifest.json: webApplicationInfo.id must be the bot app id (SSO uses the bot registration)');
  }
  return errors;
}

/**
 * Validates a localization file against the official schema and checks that every indexed key
 * (e.g. `bots[0].commandLists[1].commands[3].description`) points at something in the manifest.
 * @returns {string[]} empty when valid
 */
function validateLocalization(fileName, localization, manifest) {
  const validate = officialValidator(manifest.manifestVersion, 'MicrosoftTeams.Localization.schema.json');
  if (!validate) return [`${fileName}: no official localization schema for "${manifest.manifestVersion}"`];
  const errors = schemaErrors(fileName, validate, localization);
  for (const key of Object.keys(localization)) {
    const match = /^(.*)\.(title|description|prompt|name)$/.exec(key);
    if (!match || !match[1].includes('[')) continue;
    // Walk "bots[0].commandLists[1].commands[3]" through the manifest.
    let node = manifest;
    for (const part of match[1].split(/\.|(?=\[)/)) {
      const index = /^\[(\d+)\]$/.exec(part);
      node = node == null ? undefined : index ? node[Number(index[1])] : node[part];
    }
    if (node == null || typeof node !== 'object' || !(match[2] in node)) {
      errors.push(`${fileName}: "${key}" does not match anything in manifest.json`);
    }
  }
  return errors;
}

/**
 * Reads an icon's PNG header and pixels.
 * @returns {{ width: number, height: number, hasAlpha: boolean, transparentPixels: number, nonWhitePixels: number }}
 */
function inspectPng(buffer) {
  const png = decodePng(buffer);
  let transparentPixels = 0;
  let nonWhitePixels = 0;
  if (png.pixels) {
    for (let i = 0; i < png.pixels.length; i += 4) {
      if (png.pixels[i + 3] === 0) transparentPixels++;
      else if (png.pixels[i] !== 255 || png.pixels[i + 1] !== 255 || png.pixels[i + 2] !== 255) nonWhitePixels++;
    }
  }
  return { width: png.width, height: png.height, hasAlpha: png.pixels !== null, transparentPixels, nonWhitePixels };
}

/**
 * Teams' icon rules: color 192x192; outline 32x32, white on a transparent background.
 * @param {{ color: Buffer, outline: Buffer }} icons
 * @returns {string[]} empty when valid
 */
function checkIcons(icons) {
  const errors = [];
  for (const [name, size] of Object.entries(ICON_SIZES)) {
    let info;
    try {
      info = inspectPng(icons[name]);
    } catch (e) {
      errors.push(`${name}.png: ${e.message}`);
      continue;
    }
    if (info.width !== size || info.height !== size) {
      errors.push(`${name}.png must be ${size}x${size}, is ${info.width}x${info.height}`);
    }
    if (name === 'outline') {
      if (!info.hasAlpha) errors.push('outline.png must be an 8-bit PNG with an alpha channel');
      else if (info.transparentPixels === 0) errors.push('outline.png must have a transparent background');
      else if (info.nonWhitePixels > 0) errors.push(`outline.png must be white only (${info.nonWhitePixels} coloured pixels)`);
    }
  }
  return errors;
}

function readJson(file, errors) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    errors.push(`${path.basename(file)}: ${e.message}`);
    return undefined;
  }
}

/**
 * Builds and validates the app package. Writes `<outDir>/coop-claims.zip` only when everything
 * is valid.
 * @param {{ config: object, outDir: string, sourceDir?: string }} options
 * @returns {Promise<{ ok: boolean, errors: string[], zipPath?: string, manifest?: object }>}
 */
async function buildAppPackage({ config, outDir, sourceDir = __dirname }) {
  const errors = checkConfig(config);
  if (errors.length > 0) return { ok: false, errors };

  let manifest;
  try {
    manifest = renderManifest(fs.readFileSync(path.join(sourceDir, 'manifest.json'), 'utf8'), config);
  } catch (e) {
    return { ok: false, errors: [`manifest.json: ${e.message}`] };
  }
  errors.push(...validateManifest(manifest));
  // Teams accepts an update only with a higher version: it moves with package.json's, in one place each.
  if (manifest.version !== config.appVersion) {
    errors.push(`manifest.json: version "${manifest.version}" must equal package.json's "${config.appVersion}" (bump both)`);
  }

  const languageFiles = ((manifest.localizationInfo || {}).additionalLanguages || []).map((l) => l.file);
  const referenced = [manifest.icons && manifest.icons.color, manifest.icons && manifest.icons.outline, ...languageFiles];
  const expected = PACKAGE_FILES.filter((f) => f !== 'manifest.json');
  if (JSON.stringify([...referenced].sort()) !== JSON.stringify([...expected].sort())) {
    errors.push(`manifest.json must reference exactly ${expected.join(', ')}; it references ${referenced.join(', ')}`);
  }

  const localization = readJson(path.join(sourceDir, 'ko-kr.json'), errors);
  if (localization && manifest.manifestVersion) {
    errors.push(...validateLocalization('ko-kr.json', localization, manifest));
  }

  const icons = {};
  for (const name of Object.keys(ICON_SIZES)) {
    try {
      icons[name] = fs.readFileSync(path.join(sourceDir, `${name}.png`));
    } catch (e) {
      errors.push(`${name}.png: ${e.message}`);
    }
  }
  if (icons.color && icons.outline) errors.push(...checkIcons(icons));

  if (errors.length > 0) return { ok: false, errors, manifest };

  const zip = new JSZip();
  const entry = { date: ZIP_DATE };
  zip.file('manifest.json', JSON.stringify(manifest, null, 2) + '\n', entry);
  zip.file('ko-kr.json', JSON.stringify(localization, null, 2) + '\n', entry);
  zip.file('color.png', icons.color, entry);
  zip.file('outline.png', icons.outline, entry);
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, 'coop-claims.zip');
  fs.writeFileSync(zipPath, bytes);
  return { ok: true, errors: [], zipPath, manifest };
}

async function main() {
  const i = process.argv.indexOf('--env');
  const envName = i > 0 ? process.argv[i + 1] : undefined;
  const { config, notes } = configFromEnv(envName ? environmentFor(envName) : process.env);
  for (const note of notes) console.log(`note: ${note}`);
  const result = await buildAppPackage({ config, outDir: path.join(__dirname, 'build') });
  if (!result.ok) {
    console.error(`Teams app package is invalid (${result.errors.length} problem(s)):`);
    for (const error of result.errors) console.error(`  - ${error}`);
    process.exitCode = 1;
    return;
  }
  console.log(
    `wrote ${path.relative(process.cwd(), result.zipPath)} (manifest ${result.manifest.manifestVersion}, app ${config.teamsAppId}, bot ${config.botAppId}, domain ${config.botDomain})`,
  );
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}

module.exports = {
  PACKAGE_FILES,
  configFromEnv,
  environmentFor,
  readEnvFile,
  checkConfig,
  renderManifest,
  validateManifest,
  validateLocalization,
  inspectPng,
  checkIcons,
  buildAppPackage,
};
