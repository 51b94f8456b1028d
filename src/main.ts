/** Starts the hub: `npm start`. Configuration: README.md#configuration. */
import { createHub } from './app';
import { loadConfig } from './config';
import { isEmpty, loadDemoRegion, setUpDemoClients, tryThese } from './first-run';

async function main(): Promise<void> {
  const config = loadConfig();
  const hub = await createHub({ config });
  let demo = '';
  if (config.demo && (await isEmpty(hub))) {
    const loaded = await loadDemoRegion(hub, process.stderr.isTTY === true);
    const clients = await setUpDemoClients(hub, config.demoClientsDir);
    demo = `  Demo region: ${loaded.resources.toLocaleString('en')} resources loaded in ${loaded.seconds.toFixed(1)} s\n\n${tryThese(config.baseUrl, clients)}\n`;
  }
  await hub.listen();
  hub.log.info({ baseUrl: config.baseUrl, store: hub.engine.kind }, 'hub listening');
  const auth = config.auth ? `  Authentication: SMART Backend Services, token endpoint ${hub.auth.endpoints.token}\n` : '  Authentication: OFF (HUB_AUTH=false): every request acts as an administrator\n';
  process.stdout.write(
    `\nHealth Community Hub is running.\n  FHIR base: ${config.baseUrl}\n  Store: ${hub.engine.kind === 'embedded' ? `embedded (${config.dataDir})` : 'MongoDB'}\n${auth}${demo}\n`,
  );
  const stop = (): void => {
    hub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
