/**
 * The console in a real browser (Debian's chromium through playwright-core), against a hub with a small
 * demo region and the demo users: one story per role, clicking through the real UI, with the refusals the
 * hub gives shown to the person in plain words. Screenshots of the main pages: docs/console/ (browser-hub.ts).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Bundle, Patient, Task } from '@medplum/fhirtypes';
import { readCredentials } from '../../src/auth/credentials';
import { requestToken } from '../../src/auth/request-token';
import type { BrowserHub } from './browser-hub';
import { browserMissing, buildConsole, launch, screenshotPath, startBrowserHub } from './browser-hub';

const missing = browserMissing();
const describeWithBrowser = missing ? describe.skip : describe;
if (missing) {
  // jest shows skipped tests without a reason; say it once.
  process.stderr.write(`tests/console/console.browser.test.ts skipped: ${missing}\n`);
}

const RESIDENT_ID = 'urn:oid:2.16.156.10011.1.3';

describeWithBrowser(`the console in a browser${missing ? ` (skipped: ${missing})` : ''}`, () => {
  jest.setTimeout(60_000);
  let h: BrowserHub;
  let browser: Browser;
  let adminToken: () => Promise<string>;
  /** 徐慧梅's place in the small region: the resident the demo clinic user manages. */
  let resident: { id: string; name: string; idNumber: string };
  /** A resident another clinic manages. */
  let stranger: { id: string; name: string };

  async function fhir<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${h.origin}/fhir/${pathAndQuery}`, { headers: { Authorization: `Bearer ${await adminToken()}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    buildConsole();
    [h, browser] = await Promise.all([startBrowserHub(), launch()]);
    const admin = readCredentials(path.join(h.hub.config.dataDir, 'demo-clients', 'admin.json'));
    adminToken = () => requestToken(admin);
    const user = await h.hub.auth.login.users.get('clinic');
    const p = await fhir<Patient>('Patient/pat-0000003');
    expect(`Organization/${(p.managingOrganization?.reference ?? '').split('/')[1]}`).toBe(user?.organization);
    resident = { id: 'pat-0000003', name: p.name?.[0]?.text ?? '', idNumber: p.identifier?.find((i) => i.system === RESIDENT_ID)?.value ?? '' };
    const others = await fhir<Bundle<Patient>>(`Patient?_count=50`);
    const other = others.entry?.map((e) => e.resource as Patient).find((x) => x.managingOrganization?.reference !== user?.organization && x.name?.[0]?.text);
    stranger = { id: other?.id ?? '', name: other?.name?.[0]?.text ?? '' };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(username: string, shot?: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${h.origin}/console/`);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(`${username}-demo-2026`);
    if (shot) await page.screenshot({ path: screenshotPath(shot) });
    await page.getByRole('button', { name: /登录/ }).click();
    await page.getByRole('button', { name: '退出登录' }).waitFor();
    return page;
  }

  it('clinic: finds a resident by ID number, reads the record with charts, refers her up; another clinic’s resident is refused', async () => {
    // A wrong password first: the login page says so and signs nobody in.
    const context = await browser.newContext({ locale: 'zh-CN' });
    const login = await context.newPage();
    await login.goto(`${h.origin}/console/`);
    await login.getByRole('button', { name: '登录' }).click();
    await login.getByLabel('用户名').fill('clinic');
    await login.getByLabel('密码').fill('not-the-password');
    await login.getByRole('button', { name: /登录/ }).click();
    await login.getByRole('alert').filter({ hasText: '用户名或密码不正确' }).waitFor();
    await context.close();

    const page = await signIn('clinic', 'login');
    await page.getByRole('heading', { name: '居民' }).first().waitFor();
    await page.getByLabel('姓名或身份证号').fill(resident.idNumber);
    await page.getByRole('button', { name: '查找', exact: true }).click();
    await page.getByRole('row').filter({ hasText: resident.idNumber }).waitFor();
    await page.screenshot({ path: screenshotPath('clinic-patients') });
    await page.getByRole('link', { name: `打开档案 ${resident.name}` }).click();
    await page.getByTestId('patient-name').filter({ hasText: resident.name }).waitFor();
    await page.getByRole('img', { name: '血压 (mmHg)' }).locator('canvas').first().waitFor();
    await page.screenshot({ path: screenshotPath('clinic-record'), fullPage: true });

    await page.getByRole('link', { name: '申请上转' }).click();
    await page.getByLabel('病情摘要').fill('三种降压药联合治疗血压仍控制不佳，申请上转心内科。');
    await page.getByRole('button', { name: '发送转诊' }).click();
    await page.getByTestId('sent-notice').waitFor();
    await page.getByRole('region', { name: '本机构发出' }).getByRole('row').filter({ hasText: resident.name }).first().waitFor();
    await page.screenshot({ path: screenshotPath('clinic-referrals'), fullPage: true });

    // Another clinic's resident: the hub answers 404, the console says so in words and shows nothing of her.
    await page.goto(`${h.origin}/console/#patient/${stranger.id}`);
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('记录不存在，或您的机构无权查看。');
    expect(await page.content()).not.toContain(stranger.name);
    await page.screenshot({ path: screenshotPath('clinic-refusal') });

    // English on request.
    await page.getByText('English').click();
    await page.getByRole('link', { name: 'Residents' }).waitFor();
    await page.context().close();
  });

  it('hospital: accepts the referral, is told it cannot complete before starting, then completes and refers her back down', async () => {
    const mine = (await fhir<Bundle<Task>>(`Task?patient=${resident.id}&status=requested&_sort=-_lastUpdated`)).entry?.map((e) => e.resource as Task).find((t) => t.identifier?.some((i) => i.system === 'https://fhir.health-community-hub.cn/console/referral-task'));
    expect(mine?.owner?.reference).toBe('Organization/org-internet-hospital');
    const row = (page: Page) => page.locator(`tr[data-task="${mine?.id ?? ''}"]`);

    const page = await signIn('hospital');
    await row(page).waitFor();
    await page.screenshot({ path: screenshotPath('hospital-worklist'), fullPage: true });
    await row(page).getByRole('button', { name: /详情/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: '接收' }).click();
    await dialog.waitFor({ state: 'detached' });

    await row(page).filter({ hasText: '已接收' }).waitFor();
    await row(page).getByRole('button', { name: /详情/ }).click();
    await dialog.getByLabel('诊疗结果').fill('调整降压方案');
    await dialog.getByRole('button', { name: '完成并记录结果' }).click();
    const refusal = dialog.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('转诊当前的状态不允许这一步操作。');
    await page.screenshot({ path: screenshotPath('hospital-refusal') });
    await dialog.getByRole('button', { name: '开始诊疗' }).click();
    await dialog.waitFor({ state: 'detached' });

    await row(page).filter({ hasText: '诊疗中' }).waitFor();
    await row(page).getByRole('button', { name: /详情/ }).click();
    await dialog.getByLabel('诊疗结果').fill('调整降压方案，血压控制平稳');
    await dialog.getByRole('button', { name: '完成并记录结果' }).click();
    await dialog.waitFor({ state: 'detached' });

    await row(page).filter({ hasText: '已完成' }).getByRole('button', { name: /详情/ }).click();
    await dialog.getByLabel('病情摘要').fill('血压平稳，转回社区随访。');
    await dialog.getByRole('button', { name: '下转回社区' }).click();
    await dialog.waitFor({ state: 'detached' });
    const down = (await fhir<Bundle<Task>>(`Task?patient=${resident.id}&requester=Organization/org-internet-hospital&status=requested`)).entry?.map((e) => e.resource as Task);
    expect(down?.some((t) => t.identifier?.some((i) => i.system === 'https://fhir.health-community-hub.cn/console/referral-task'))).toBe(true);
    await page.context().close();
  });

  it('pharmacist: sees the review queue', async () => {
    const page = await signIn('pharmacist');
    await page.getByRole('heading', { name: '处方审核' }).first().waitFor();
    await page.getByRole('region', { name: '处方审核' }).waitFor();
    await page.screenshot({ path: screenshotPath('pharmacist-reviews'), fullPage: true });
    await page.context().close();
  });

  it('authority: indicators as charts, the referral flow and the audit trail of the resident, with the clinic user in it', async () => {
    const page = await signIn('authority');
    await page.getByRole('heading', { name: '指标' }).first().waitFor();
    await page.getByRole('region', { name: /近 6 个月趋势/ }).waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: screenshotPath('authority-indicators'), fullPage: true });

    await page.getByRole('link', { name: '转诊流向' }).click();
    await page.getByRole('img', { name: '转诊流向' }).locator('canvas').first().waitFor();
    await page.screenshot({ path: screenshotPath('authority-flow') });

    await page.getByRole('link', { name: '访问审计' }).click();
    await page.getByLabel('居民档案编号').fill(resident.id);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('row').filter({ hasText: 'user clinic (app hub-console)' }).first().waitFor();
    await page.screenshot({ path: screenshotPath('authority-audit'), fullPage: true });
    await page.context().close();
  });
});
