// The first run tells the truth (issue 14, item 2), in a real headless Chromium against a real
// gateway whose default model is llama3.2 on an Ollama that is not running (a refused loopback
// port): the first-run guide does not tick "Add a model" for it, adding a model that answers
// ticks it and moves switchboard/active there, and deleting the active model asks which model
// apps get instead.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedPort } from '../support/refused-port.js';
import { openDashboardPage, startDashboardSession, WAIT, type DashboardSession } from '../support/dashboard-browser.js';

let session: DashboardSession;
let deadPort: number;
let page: Page;

beforeAll(async () => {
  deadPort = await refusedPort();
  session = await startDashboardSession({
    name: 'first-run-e2e',
    mock: { models: ['qwen3', 'phi4'] },
    // The built-in default, with the Ollama port one where nothing listens.
    config: () => `model_list:\n  - model_name: llama3.2\n    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:${deadPort}" }\n`,
  });
  ({ page } = session);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

async function addModel(name: string, upstream: string): Promise<void> {
  await page.getByRole('button', { name: 'Add a model', exact: true }).click();
  await page.getByLabel('Model name').fill(name);
  await page.getByLabel('Provider', { exact: true }).selectOption('openai_like');
  await page.getByLabel('Model at the provider').fill(upstream);
  await page.getByLabel('Base URL').fill(`${session.mock.url}/v1`);
  await page.getByRole('button', { name: 'Add model', exact: true }).click();
  await page.getByText(`Added ${name} (openai_like/${upstream}).`).waitFor(WAIT);
}

async function activeModel(): Promise<string | null> {
  return ((await session.admin('/active-model')).json as { model: string | null }).model;
}

const guideStep = (title: string) => page.locator('#first-run-title').locator('..').locator('li.step', { hasText: title });

describe('dashboard first run (Chromium, real gateway, no Ollama running)', () => {
  it('leaves "Add a model" open while the only model does not answer, and ticks it once one does', async () => {
    await page.getByRole('heading', { name: 'Get started' }).waitFor(WAIT);
    const addStep = guideStep('Add a model');
    await addStep.getByText(/No model answers yet: llama3\.2 \(/).waitFor(WAIT);
    expect(await addStep.getAttribute('class')).not.toContain('step-done');
    expect(await addStep.getByRole('link', { name: 'Go to Models' }).isVisible()).toBe(true);

    await openDashboardPage(page, 'Models');
    await addModel('gpt-local', 'qwen3');
    await page.getByText('Apps sending switchboard/active now get gpt-local: llama3.2 does not answer.').waitFor(WAIT);
    // The picker reloads after the message: wait for it rather than read it at once (slow CI machines).
    await expect.poll(() => page.getByLabel('Apps that send switchboard/active get').inputValue(), WAIT).toBe('gpt-local');
    expect(await activeModel()).toBe('gpt-local');

    await openDashboardPage(page, 'Overview');
    await guideStep('Add a model').and(page.locator('.step-done')).waitFor(WAIT);
    await page.locator('.facts').getByText('gpt-local').waitFor(WAIT);
    expect(session.browserErrors).toEqual([]);
  });

  it('asks which model apps get instead when the active model is deleted', async () => {
    await openDashboardPage(page, 'Models');
    await addModel('phi', 'phi4');
    // The second working model does not take the alias: only the first one does.
    expect(await activeModel()).toBe('gpt-local');

    await page.getByRole('button', { name: 'Delete gpt-local (openai_like/qwen3)' }).click();
    const ask = page.getByRole('group', { name: 'Delete openai_like/qwen3 from gpt-local?' });
    await ask.waitFor(WAIT);
    await ask.getByText('It is the active model.').waitFor(WAIT);
    const choice = ask.getByLabel('Apps sending switchboard/active get instead');
    expect(await choice.locator('option').allTextContents()).toEqual(['llama3.2', 'phi']);
    await choice.selectOption('phi');
    await ask.getByRole('button', { name: 'Delete and switch to phi' }).click();
    await page.getByText('Deleted openai_like/qwen3 from gpt-local. Apps sending switchboard/active now get phi.').waitFor(WAIT);
    expect(await activeModel()).toBe('phi');
    await expect.poll(() => page.getByLabel('Apps that send switchboard/active get').inputValue(), WAIT).toBe('phi');
    expect(session.browserErrors).toEqual([]);
  });
});
