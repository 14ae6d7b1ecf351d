/**
 * End-to-end harness: the compiled bot + the Microsoft 365 Agents Playground + Debian Chromium driven
 * by playwright-core, clicking through the playground UI as a person would.
 *
 *   const stack = await startStack();
 *   await stack.page.sendText('help');
 *   const card = await stack.page.waitForCard('What can I do');
 *   await stack.page.fillInput('Claim name', 'Spring campaign');
 *   await stack.page.clickAction('Create');
 *   await stack.stop();
 *
 * Everything runs in its own process group and temp dirs; stop() (or the test process exiting) kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { BOT, TENANT_ID, configYaml, findUser, personalChatId } from '../../playground/config';
import { build } from '../../scripts/build';

const ROOT = path.join(__dirname, '..', '..');
const BOT_MAIN = path.join(ROOT, 'dist', 'bot', 'main.js');
const PLAYGROUND_CLI = path.join(ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
export const SCREENSHOTS_DIR = path.join(__dirname, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Top-level Adaptive Cards only (a ShowCard's card renders nested inside its parent). */
const TOP_CARD = '.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)';
/** One chat message (bot or user): the element holding its header and body. */
const MESSAGE = 'div:has(> [aria-label="Message header"])';
const COMPOSER = '[data-lexical-editor="true"][role="textbox"]';

export type StackOptions = {
  /** Bot port; a free one by default. */
  port?: number;
  /** Playground user to sign in as (name, first name or aadObjectId); default Alex Wilber. */
  user?: string;
  /** Extra environment for the bot (e.g. REVIEWERS_CONVERSATION_ID). */
  botEnv?: Record<string, string>;
  /** Command that starts the bot instead of `node dist/bot/main.js` (local experiments only). */
  botCommand?: string[];
  /** How long to wait for the bot's /readyz (embedded PostgreSQL first start can be slow). */
  readyTimeoutMs?: number;
};

export type Stack = {
  page: PlaygroundPage;
  botUrl: string;
  playgroundUrl: string;
  dataDir: string;
  /** Restarts the playground signed in as someone else (it has no in-app user switch) and reloads. */
  switchUser(who: string): Promise<void>;
  /**
   * A second person at their own computer: another playground signed in as `who`, in its own browser
   * tab, alongside the first. Each playground only knows its own user's chats, so a proactive message
   * reaches a person only while their playground runs (the stored reference names its serviceUrl).
   */
  openAs(who: string): Promise<PlaygroundPage>;
  /** Last lines the bot printed (for failure messages). */
  botLog(lines?: number): string;
  /**
   * Runs SQL on the bot's database, to set up what would take many clicks (a claim with dozens of
   * documents, a decision made earlier). Only with the test server jest starts (TEST_ADMIN_DATABASE_URL).
   */
  sql<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
};

export type FileAttachment = {
  name: string;
  downloadUrl: string;
  contentType?: string;
  fileType?: string;
  uniqueId?: string;
  text?: string;
};

// ---------------------------------------------------------------------------------------------
// processes

const groups = new Set<number>();
// Last resort when a test crashes past stop(): no orphan bot, playground or PostgreSQL.
process.once('exit', () => {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  const pid = child.pid;
  if (!pid) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') killGroup(pid, 'SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  // Grandchildren (PostgreSQL backends) may outlive the leader for a moment.
  killGroup(pid, 'SIGKILL');
  groups.delete(pid);
}

function startGroup(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): ChildProcess {
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid) groups.add(child.pid);
  return child;
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  diagnose?: () => string | Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
      if (e instanceof FatalWait) throw e;
    }
    await sleep(250);
  }
  const detail = diagnose ? await Promise.resolve(diagnose()).catch((e: unknown) => String(e)) : '';
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}${detail ? `\n${detail}` : ''}`,
  );
}
class FatalWait extends Error {}

// ---------------------------------------------------------------------------------------------
// build

/** Builds dist/ the way `npm start` does (scripts/build.js: nothing when unchanged, else tsc --incremental). */
export function ensureBuilt(): void {
  if (build({ quiet: true }) !== 0 || !fs.existsSync(BOT_MAIN))
    throw new Error(`Build did not produce ${BOT_MAIN} (npm run build says why)`);
}

// ---------------------------------------------------------------------------------------------
// database: a fresh database on the test server when jest started one (fast, and the only option
// when CI provides an external PostgreSQL); otherwise the bot starts its embedded one under DATA_DIR.

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = process.env.TEST_ADMIN_DATABASE_URL;
  if (!admin) return undefined;
  const name = `e2e_${crypto.randomBytes(6).toString('hex')}`;
  const c = new Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const d = new Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await d.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// the stack

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coop-e2e-'));
  // The embedded PostgreSQL runs as user postgres when we are root: it must be able to enter here.
  fs.chmodSync(tmp, 0o755);
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { mode: 0o755 });
  fs.chmodSync(dataDir, 0o755);
  const botLogFile = path.join(tmp, 'bot.log');
  const playgroundLogFile = path.join(tmp, 'playground.log');

  let bot: ChildProcess | undefined;
  let playground: ChildProcess | undefined;
  const others: ChildProcess[] = [];
  let context: BrowserContext | undefined;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await context?.close().catch(() => undefined);
    if (playground) await stopGroup(playground, 3000);
    for (const p of others) await stopGroup(p, 3000);
    if (bot) await stopGroup(bot, 10_000);
    await database?.drop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    // bot
    const port = opts.port ?? (await freePort());
    const botUrl = `http://127.0.0.1:${port}`;
    if (!opts.botCommand) ensureBuilt();
    database = opts.botCommand ? undefined : await createDatabase();
    const botEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...opts.botEnv,
    };
    delete botEnv.DATABASE_URL;
    if (database) botEnv.DATABASE_URL = database.url;
    const [cmd, ...args] = opts.botCommand ?? [process.execPath, BOT_MAIN];
    bot = startGroup(cmd!, args, { cwd: ROOT, env: botEnv, logFile: botLogFile });
    const botProc = bot;
    await waitFor(
      `the bot's ${botUrl}/readyz`,
      opts.readyTimeoutMs ?? 120_000,
      async () => {
        if (botProc.exitCode !== null) throw new FatalWait(`the bot exited (code ${botProc.exitCode}):\n${tail(botLogFile)}`);
        const r = await fetch(`${botUrl}/readyz`);
        return r.status === 200 ? true : undefined;
      },
      () => tail(botLogFile),
    );

    // playground
    const uiPortWanted = await freePort();
    let user = findUser(opts.user ?? 'Alex Wilber');
    const launchPlayground = async (as: ReturnType<typeof findUser>, wantedPort: number): Promise<{ proc: ChildProcess; url: string }> => {
      const configPath = path.join(tmp, `playground-${as.id}.yml`);
      fs.writeFileSync(configPath, configYaml(as.name));
      const stdoutFile = path.join(tmp, `playground-stdout-${as.id}-${Date.now()}.log`);
      const proc = startGroup(
        process.execPath,
        [PLAYGROUND_CLI, '-e', `${botUrl}/api/messages`, '-c', 'msteams', '--disable-telemetry', '-p', String(wantedPort)],
        {
          cwd: tmp,
          env: {
            ...process.env,
            TEAMSAPPTESTER_BROWSER: 'none',
            M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
            M365_AGENTS_PLAYGROUND_LOGFILE: playgroundLogFile,
          },
          logFile: stdoutFile,
        },
      );
      // It falls back to a random port when the asked one is taken: believe what it prints.
      const uiPort = await waitFor(
        'the Agents Playground to listen',
        30_000,
        async () => {
          if (proc.exitCode !== null) throw new FatalWait(`the playground exited (code ${proc.exitCode}):\n${tail(stdoutFile)}`);
          const m = /Listening on (\d+)/.exec(fs.readFileSync(stdoutFile, 'utf8'));
          return m ? m[1] : undefined;
        },
        () => tail(stdoutFile),
      );
      const url = `http://127.0.0.1:${uiPort}/`;
      await waitFor('the playground UI', 15_000, async () => ((await fetch(url)).ok ? true : undefined));
      return { proc, url };
    };
    const startPlayground = async (): Promise<string> => {
      const started = await launchPlayground(user, uiPortWanted);
      playground = started.proc;
      return started.url;
    };
    let playgroundUrl = await startPlayground();

    // browser
    const userDataDir = path.join(tmp, 'chromium');
    fs.mkdirSync(userDataDir);
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
      // Input.Date text is parsed in the browser's zone; UTC keeps typed dates exact.
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    const pw = context.pages()[0] ?? (await context.newPage());
    const page = new PlaygroundPage(pw, () => ({ user, playgroundUrl }));
    await page.open(playgroundUrl);

    const switchUser = async (who: string) => {
      user = findUser(who);
      if (playground) await stopGroup(playground, 3000);
      playgroundUrl = await startPlayground();
      await page.open(playgroundUrl);
    };
    page.switchUser = switchUser;

    const openAs = async (who: string) => {
      const as = findUser(who);
      const started = await launchPlayground(as, await freePort());
      others.push(started.proc);
      const tab = new PlaygroundPage(await context!.newPage(), () => ({ user: as, playgroundUrl: started.url }));
      await tab.open(started.url);
      return tab;
    };

    return {
      page,
      botUrl,
      get playgroundUrl() {
        return playgroundUrl;
      },
      dataDir,
      switchUser,
      openAs,
      botLog: (lines = 40) => tail(botLogFile, lines),
      sql: async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) => {
        if (!database) throw new Error('stack.sql needs the test database server (run under jest)');
        const c = new Client({ connectionString: database.url });
        await c.connect();
        try {
          return (await c.query<R>(text, values)).rows;
        } finally {
          await c.end();
        }
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// the page

/** A choice by its exact title, or a pattern over titles. */
export type Choice = string | RegExp;

/** A card in the transcript: its locator and the index of the message holding it. */
export type Card = { locator: Locator; index: number };

/** The card's visible text, one line per line of the card (blank runs folded), for assertions. */
export const cardText = async (card: Card) => (await card.locator.innerText()).replace(/\s*\n\s*/g, '\n');

type Context = () => { user: ReturnType<typeof findUser>; playgroundUrl: string };

/**
 * Person-like operations on the playground's chat. Waits look only at messages from the last
 * thing "you" did onwards (sent a message, clicked a card's action: a card updated in place counts).
 */
export class PlaygroundPage {
  /** Index of the first message a wait may match. */
  private mark = 0;
  /** Set by startStack. */
  switchUser: (who: string) => Promise<void> = async () => {
    throw new Error('switchUser needs startStack');
  };

  constructor(
    /** The raw Playwright page, for anything the helpers do not cover. */
    readonly pw: Page,
    private readonly ctx: Context,
  ) {}

  /**
   * With several people's tabs open, only the front one renders at full speed (and is what a
   * screenshot shows): every action brings its tab to the front first, as a person switching windows.
   */
  private async focus(): Promise<void> {
    if (PlaygroundPage.front === this) return;
    await this.pw.bringToFront();
    PlaygroundPage.front = this;
  }
  private static front: PlaygroundPage | undefined;

  get messages(): Locator {
    return this.pw.locator(MESSAGE);
  }

  /** Loads the playground, waits for the chat box, and hides the log panel (more room for cards). */
  async open(url: string): Promise<void> {
    await this.pw.goto(url);
    await this.pw.locator(COMPOSER).waitFor({ state: 'visible', timeout: 30_000 });
    const logPanel = this.pw.getByText('Log Panel', { exact: true });
    if (await logPanel.isVisible().catch(() => false)) await this.pw.getByRole('button', { name: 'Toggle Log Panel' }).click();
    this.mark = 0;
  }

  /** Opens a conversation in the left rail: 'Personal Chat', 'Group Chat', or a channel name. */
  async openConversation(name: string): Promise<void> {
    await this.pw.getByRole('treeitem', { name: new RegExp(`(^|- )${escapeRegExp(name)}$`) }).click();
    await this.pw.locator(COMPOSER).waitFor({ state: 'visible' });
    this.mark = await this.messages.count();
  }

  /** Types a message in the compose box and sends it, as the current user. */
  async sendText(text: string): Promise<void> {
    await this.focus();
    const before = await this.messages.count();
    this.mark = before;
    const box = this.pw.locator(COMPOSER);
    await box.click();
    await this.pw.keyboard.insertText(text);
    await this.pw.keyboard.press('Enter');
    await waitFor(`"${text}" to appear in the chat`, 10_000, async () => ((await this.messages.count()) > before ? true : undefined));
  }

  /**
   * The newest card whose text contains `text`, at or after the last thing you did; once found, waits
   * until its message stops changing (`quietMs`), because the bot may update the card in place right
   * after answering (bot/cardUpdates.ts) and a click on the card being replaced is lost.
   */
  async waitForCard(text: Choice, opts: { timeoutMs?: number; quietMs?: number } = {}): Promise<Card> {
    const found = await waitFor(
      `a card containing "${String(text)}"`,
      opts.timeoutMs ?? 30_000,
      async () => {
        const count = await this.messages.count();
        for (let i = count - 1; i >= this.mark; i--) {
          const card = this.messages.nth(i).locator(TOP_CARD).filter({ hasText: text });
          if ((await card.count()) > 0) return { locator: card.last(), index: i };
        }
        return undefined;
      },
      () => this.transcriptSince(),
    );
    await this.quiet(this.messages.nth(found.index), opts.quietMs ?? 700);
    return found;
  }

  /** Resolves once `el` has had no DOM change for `quietMs` (at most 10 s). */
  private async quiet(el: Locator, quietMs: number): Promise<void> {
    if (quietMs <= 0) return;
    await el
      .evaluate(
        (node, ms) =>
          new Promise<void>((resolve) => {
            // Runs in the browser; the project compiles without the DOM lib.
            type Observer = { observe(n: unknown, o: object): void; disconnect(): void };
            const MO = (globalThis as unknown as { MutationObserver: new (cb: () => void) => Observer }).MutationObserver;
            let timer: ReturnType<typeof setTimeout>;
            const done = () => {
              observer.disconnect();
              clearTimeout(cap);
              resolve();
            };
            const observer = new MO(() => {
              clearTimeout(timer);
              timer = setTimeout(done, ms);
            });
            const cap = setTimeout(done, 10_000);
            timer = setTimeout(done, ms);
            observer.observe(node, { subtree: true, childList: true, characterData: true });
          }),
        quietMs,
      )
      .catch(() => undefined);
  }

  /** The newest bot message (text or card) containing `text`, at or after the last thing you did. */
  async waitForMessage(text: string, opts: { timeoutMs?: number } = {}): Promise<Locator> {
    return waitFor(
      `a bot message containing "${text}"`,
      opts.timeoutMs ?? 30_000,
      async () => {
        const count = await this.messages.count();
        for (let i = count - 1; i >= this.mark; i--) {
          const m = this.messages.nth(i);
          if ((await m.locator('[aria-label="Message author"]').count()) === 0) continue;
          if ((await m.filter({ hasText: text }).count()) > 0) return m;
        }
        return undefined;
      },
      () => this.transcriptSince(),
    );
  }

  /** The newest card in the chat. */
  async latestCard(): Promise<Card> {
    return waitFor('any card in the chat', 10_000, async () => {
      const count = await this.messages.count();
      for (let i = count - 1; i >= 0; i--) {
        const card = this.messages.nth(i).locator(TOP_CARD);
        if ((await card.count()) > 0) return { locator: card.last(), index: i };
      }
      return undefined;
    });
  }

  /**
   * Clicks a card button (Action.Execute, Action.Submit, Action.ShowCard, Action.OpenUrl) by its
   * title, or a pattern over its accessible name (a container with a selectAction is named by all its text).
   */
  async clickAction(title: Choice, card?: Card): Promise<void> {
    await this.focus();
    const c = card ?? (await this.latestCard());
    const button = c.locator
      .getByRole('button', { name: title, exact: typeof title === 'string' })
      .filter({ visible: true })
      .last();
    await button.click();
    // The answer may replace this very card (Action.Execute) or come as new messages.
    this.mark = c.index;
  }

  /**
   * The smallest part of a card that shows `text` and has a button titled `button` (e.g. one document
   * with its own Accept / Needs fix), usable wherever a Card is: clickAction, fillInput, screenshot.
   */
  section(card: Card, text: Choice, button: string): Card {
    const locator = card.locator
      .locator('.ac-container')
      .filter({ hasText: text })
      .filter({ has: this.pw.getByRole('button', { name: button, exact: true }) })
      .last();
    return { locator, index: card.index };
  }

  /**
   * Clicks a clickable part of a card (a Container or Column with a selectAction, e.g. a row of a
   * list) by the text it shows: those are named by their action's title, often the same on every row.
   */
  async clickItem(text: Choice, card?: Card): Promise<void> {
    await this.focus();
    const c = card ?? (await this.latestCard());
    await c.locator.locator('.ac-selectable[role=button]').filter({ hasText: text }).filter({ visible: true }).last().click();
    this.mark = c.index;
  }

  /**
   * Sets a card input found by its label (or placeholder): text, number, date (YYYY-MM-DD), time,
   * toggle (boolean or 'true'/'false'), choice set (choice title, or titles for multi-select).
   */
  async fillInput(label: string, value: string | number | boolean | Choice | Choice[], card?: Card): Promise<void> {
    await this.focus();
    const c = card ?? (await this.latestCard());
    const input = await this.input(c, label);
    const kind = await input.evaluate((el) => {
      if (el.getAttribute('role') === 'radiogroup' || el.querySelector('input[type=radio]')) return 'radios';
      const isField = el.tagName === 'INPUT' || el.tagName === 'TEXTAREA';
      if (el.tagName === 'INPUT' && el.getAttribute('type') === 'checkbox') return 'toggle';
      if (!isField && el.querySelector('input[type=checkbox]')) return 'checkboxes';
      if (el.closest('.fui-DatePicker')) return 'date';
      if (el.closest('.fui-Combobox') || el.closest('.fui-Dropdown')) return 'combobox';
      return 'text';
    });
    switch (kind) {
      case 'toggle':
        await input.setChecked(value === true || value === 'true');
        return;
      case 'radios':
      case 'checkboxes':
      case 'combobox':
        await this.choose(input, kind, Array.isArray(value) ? value : [value instanceof RegExp ? value : String(value)]);
        return;
      case 'date': {
        await input.fill(String(value));
        await input.press('Enter');
        // Enter commits the typed date but leaves the calendar popup open over the next inputs.
        if (await this.pw.getByRole('dialog').filter({ visible: true }).count()) await input.press('Escape');
        await this.pw.getByRole('dialog').filter({ visible: true }).waitFor({ state: 'hidden', timeout: 5000 });
        const shown = await input.inputValue();
        if (!shown) throw new Error(`The date picker "${label}" did not accept "${String(value)}"`);
        return;
      }
      default:
        await input.fill(String(value));
        await input.blur();
    }
  }

  /** Picks choice(s) of an Input.ChoiceSet by title: exact string or RegExp (compact dropdown or expanded). */
  async chooseChoice(label: string, choice: Choice | Choice[], card?: Card): Promise<void> {
    await this.fillInput(label, choice, card);
  }

  /**
   * Types into a filtered Input.ChoiceSet (a people picker) and picks the suggestion matching
   * `choice`: what a person does when the list shows nothing until they type.
   */
  async typeAndChoose(label: string, typed: string, choice: Choice, card?: Card): Promise<void> {
    await this.focus();
    const c = card ?? (await this.latestCard());
    const input = await this.input(c, label);
    await input.click();
    await input.pressSequentially(typed, { delay: 50 });
    const list = await this.choiceList(input);
    const option = list
      .locator('[role=option]')
      .filter({ hasText: choice instanceof RegExp ? choice : new RegExp(`^\\s*${escapeRegExp(choice)}\\s*$`) });
    await option.first().click({ timeout: 10_000 });
  }

  /** The titles an Input.ChoiceSet offers, in order. */
  async choiceTitles(label: string, card?: Card): Promise<string[]> {
    const c = card ?? (await this.latestCard());
    const input = await this.input(c, label);
    if ((await input.getAttribute('role')) !== 'combobox') {
      return (await input.locator('label[for]').allInnerTexts()).map((x) => x.trim());
    }
    await input.click();
    const list = await this.choiceList(input);
    const titles = (await list.locator('[role=option], [role=menuitemcheckbox]').allInnerTexts()).map((x) => x.trim());
    await this.pw.keyboard.press('Escape');
    return titles;
  }

  /** Ticks or clears an Input.Toggle. */
  async setToggle(label: string, on: boolean, card?: Card): Promise<void> {
    await this.fillInput(label, on, card);
  }

  /** The current value shown by an input (for assertions). */
  async inputValue(label: string, card?: Card): Promise<string> {
    const c = card ?? (await this.latestCard());
    return (await this.input(c, label)).inputValue();
  }

  /**
   * Sends a Teams file attachment (what Teams posts after a user uploads a file in 1:1 chat) through
   * the playground's "Mock an Activity > Custom activity" editor, since the playground has no upload.
   */
  async sendFileAttachment(file: FileAttachment): Promise<void> {
    const ext = path.extname(file.name).slice(1).toLowerCase();
    await this.sendCustomActivity({
      type: 'message',
      text: file.text ?? '',
      attachments: [
        {
          contentType: file.contentType ?? 'application/vnd.microsoft.teams.file.download.info',
          name: file.name,
          content: { downloadUrl: file.downloadUrl, uniqueId: file.uniqueId ?? crypto.randomUUID(), fileType: file.fileType ?? ext },
        },
      ],
    });
  }

  /**
   * Sends any activity from the current user into the open conversation via "Custom activity": the
   * editor's template (ids, serviceUrl, conversation, from) merged with `activity`. The playground
   * does not show the sent activity itself in the chat, only the bot's answers.
   */
  async sendCustomActivity(activity: Record<string, unknown>): Promise<void> {
    await this.focus();
    this.mark = await this.messages.count();
    await this.pw.getByRole('button', { name: 'Mock an Activity' }).click();
    await this.pw.getByRole('menuitem', { name: 'Custom activity' }).click();
    const dialog = this.pw.getByRole('dialog');
    await dialog.locator('.monaco-editor').click();
    await this.pw.keyboard.press('ControlOrMeta+A');
    // With everything selected, Monaco mirrors the whole text in its hidden textarea.
    let template: Record<string, unknown>;
    try {
      template = JSON.parse(await dialog.locator('textarea').inputValue()) as Record<string, unknown>;
    } catch {
      template = this.defaultTemplate();
    }
    const { user } = this.ctx();
    const from = { ...(template.from as object), name: user.name, aadObjectId: user.aadObjectId };
    const conversation = template.conversation as { tenantId?: string } | undefined;
    const merged = {
      ...template,
      locale: 'en-US',
      channelData: { tenant: { id: conversation?.tenantId ?? TENANT_ID } },
      ...activity,
      from,
    };
    await this.pw.keyboard.press('Delete');
    // insertText: one edit, so Monaco's bracket auto-closing and auto-indent never touch the JSON.
    await this.pw.keyboard.insertText(JSON.stringify(merged));
    await dialog.getByRole('button', { name: 'Send activity' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Saves a PNG of the page under test/e2e/screenshots/<name>.png. */
  async screenshot(name: string, card?: Card, opts: { top?: boolean } = {}): Promise<string> {
    await this.focus();
    fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    const file = path.join(SCREENSHOTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.settle();
    // Bottom-aligned so the message above the card (usually what you typed) stays in the picture;
    // `top` shows the head of a card taller than the window instead.
    if (card) await card.locator.evaluate((el, top) => el.scrollIntoView({ block: top ? 'start' : 'end' }), opts.top ?? false);
    await this.pw.screenshot({ path: file });
    return file;
  }

  /** Waits until the chat stops auto-scrolling (new messages animate into view). */
  private async settle(): Promise<void> {
    let last = '';
    for (let i = 0; i < 20; i++) {
      const now = await this.pw.evaluate(() => {
        type Box = { scrollHeight: number; clientHeight: number; scrollTop: number };
        // Runs in the browser; the project compiles without the DOM lib.
        const doc = (globalThis as unknown as { document: { querySelectorAll(sel: string): ArrayLike<Box> } }).document;
        const all = Array.from(doc.querySelectorAll('*'));
        return all
          .filter((e) => e.scrollHeight > e.clientHeight + 10)
          .map((e) => e.scrollTop)
          .join(',');
      });
      if (now === last) return;
      last = now;
      await sleep(150);
    }
  }

  /** Plain text of the messages a wait would look at (for failure messages). */
  private async transcriptSince(): Promise<string> {
    const texts = await this.messages.allInnerTexts();
    const since = texts.slice(this.mark).map((t) => `  | ${t.replace(/\s*\n\s*/g, ' / ').slice(0, 300)}`);
    return `Chat since the last action (${since.length} messages):\n${since.join('\n') || '  (none)'}`;
  }

  private defaultTemplate(): Record<string, unknown> {
    const { user, playgroundUrl } = this.ctx();
    return {
      id: crypto.randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: `${playgroundUrl.replace('127.0.0.1', 'localhost')}_connector`,
      recipient: { id: BOT.id, name: BOT.name },
      conversation: { id: personalChatId(user.name), conversationType: 'personal', tenantId: TENANT_ID },
      from: { id: user.id, aadObjectId: user.aadObjectId },
    };
  }

  /** A card input by its label's text (exact first, then contained), else by placeholder/accessible name. */
  private async input(card: Card, label: string): Promise<Locator> {
    const id = await labelTarget(card.locator, label);
    if (id) return card.locator.locator(`[id="${id}"]`);
    const byPlaceholder = card.locator.getByPlaceholder(label, { exact: true });
    if ((await byPlaceholder.count()) > 0) return byPlaceholder.first();
    const byName = card.locator.getByLabel(label, { exact: true });
    if ((await byName.count()) > 0) return byName.first();
    throw new Error(`No input labelled "${label}" in the card:\n${await card.locator.innerText()}`);
  }

  private async choiceList(input: Locator): Promise<Locator> {
    const listId = await waitFor('the choice list to open', 5000, async () => (await input.getAttribute('aria-controls')) ?? undefined);
    return this.pw.locator(`[id="${listId}"]`);
  }

  private async choose(input: Locator, kind: 'radios' | 'checkboxes' | 'combobox', titles: Choice[]): Promise<void> {
    if (kind === 'radios' || kind === 'checkboxes') {
      // Each choice has its own <label for>; accessible names also carry the set's label, so match the label.
      for (const t of kind === 'radios' ? titles.slice(0, 1) : titles) {
        const id = await labelTarget(input, t);
        if (!id) throw new Error(`No choice "${t}" in ${await input.innerText()}`);
        await input.locator(`[id="${id}"]`).check();
      }
      return;
    }
    await input.click();
    // The list renders in a portal outside the card, named by the combobox's aria-controls; it is a
    // listbox of options (single choice) or a menu of menuitemcheckbox (multi-select).
    const list = await this.choiceList(input);
    for (const t of titles) {
      const option = list
        .locator('[role=option], [role=menuitemcheckbox]')
        .filter({ hasText: t instanceof RegExp ? t : new RegExp(`^\\s*${escapeRegExp(t)}\\s*$`) });
      await option.first().click({ timeout: 5000 });
    }
    if (titles.length > 1) await this.pw.keyboard.press('Escape');
  }
}

/** The id a `<label for>` inside `scope` points at, matching its text exactly (else containing it); ignores a required '*'. */
async function labelTarget(scope: Locator, text: Choice): Promise<string | null> {
  const pattern = text instanceof RegExp ? { source: text.source, flags: text.flags } : null;
  return scope.locator('label[for]').evaluateAll(
    (labels, { wanted, pattern }) => {
      const norm = (s: string) =>
        s
          .replace(/\s+/g, ' ')
          .replace(/\s*\*$/, '')
          .trim()
          .toLowerCase();
      if (pattern) {
        const re = new RegExp(pattern.source, pattern.flags);
        return labels.find((l) => re.test((l.textContent ?? '').trim()))?.getAttribute('for') ?? null;
      }
      const w = norm(wanted);
      const exact = labels.find((l) => norm(l.textContent ?? '') === w);
      const partial = labels.find((l) => norm(l.textContent ?? '').includes(w));
      return (exact ?? partial)?.getAttribute('for') ?? null;
    },
    { wanted: typeof text === 'string' ? text : '', pattern },
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// a file host: what Teams' downloadUrl points at, on this machine (the bot needs DOWNLOAD_ALLOW_LOOPBACK)

export type FileServer = {
  /** The download URL of a file in the served folder. */
  url(name: string): string;
  /** Paths requested so far (to prove the bot fetched the file). */
  requests: string[];
  close(): Promise<void>;
};

const CONTENT_TYPES: Record<string, string> = { '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.csv': 'text/csv' };

/** Serves the files of `dir` over plain HTTP on 127.0.0.1 (a stand-in for SharePoint's download URLs). */
export async function serveFiles(dir: string): Promise<FileServer> {
  const http = await import('node:http');
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    requests.push(name);
    const file = path.join(dir, path.basename(name));
    if (!name || !fs.existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const bytes = fs.readFileSync(file);
    res.setHeader('content-type', CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('content-length', String(bytes.length));
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
