import { workos } from 'sessionguard';
import { createApp } from './app';

// npx tsx examples/nestjs/main.ts  (WORKOS_CLIENT_ID=client_...)
void createApp({ providers: [workos({ clientId: process.env.WORKOS_CLIENT_ID ?? 'client_example' })] }).then((app) => app.listen(3000));
