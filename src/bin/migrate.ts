// Applies pending migrations and exits: `npm run migrate`. Every process also does this at start, so this is
// for deployments that prefer to migrate in a separate step before rolling out.
import { loadConfig } from '../config/index.js';
import { migrateToLatest, openDatabase } from '../store/database.js';
import { redactDatabaseUrl } from '../store/index.js';

const config = loadConfig();
const database = openDatabase(config.databaseUrl, { poolSize: 1 });
try {
  const applied = await migrateToLatest(database);
  console.log(
    applied.length > 0
      ? `Applied ${applied.join(', ')} to ${redactDatabaseUrl(config.databaseUrl)}`
      : `${redactDatabaseUrl(config.databaseUrl)} is up to date`,
  );
} finally {
  await database.db.destroy();
}
