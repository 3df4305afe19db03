// The "Copy setup snippet" text: environment variables that point OpenAI- and Anthropic-style
// tools at the gateway, in the user's shell syntax. Never includes a real key: the user pastes
// a virtual key created in the dashboard.

export const ACTIVE_MODEL_NAME = 'switchboard/active';

export function buildSetupSnippet(gatewayUrl: string, platform: NodeJS.Platform): string {
  const base = gatewayUrl.replace(/\/+$/, '');
  const vars: [string, string][] = [
    ['OPENAI_BASE_URL', `${base}/v1`],
    ['OPENAI_API_KEY', '<your Switchboard key>'],
    // Anthropic SDKs and Claude Code append /v1/messages themselves; Claude Code sends
    // ANTHROPIC_AUTH_TOKEN as a Bearer token, which the gateway accepts like any key header.
    ['ANTHROPIC_BASE_URL', base],
    ['ANTHROPIC_AUTH_TOKEN', '<your Switchboard key>'],
  ];
  // '#' starts a comment in POSIX shells and in PowerShell alike.
  const lines = [
    '# Switchboard: create a key in the dashboard (Keys), paste it below.',
    `# Use the model "${ACTIVE_MODEL_NAME}" to follow the tray's Active model.`,
  ];
  for (const [name, value] of vars) {
    lines.push(platform === 'win32' ? `$env:${name} = "${value}"` : `export ${name}="${value}"`);
  }
  return `${lines.join('\n')}\n`;
}
