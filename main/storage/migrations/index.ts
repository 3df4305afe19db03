// The ordered list of schema migrations, one list for both engines: each step has its SQLite
// text (`sql`) and its PostgreSQL text (`postgresql`) under one version number, so version N
// means the same tables on both. Append only: a shipped step's SQL is never edited, because
// databases in the field already recorded its version (PRAGMA user_version on SQLite,
// switchboard_schema_version on PostgreSQL).

import * as initialSchema from './0001-initial-schema.js';
import * as dashboardModels from './0002-dashboard-models.js';
import * as hourlyRollupsAndSettledReservations from './0003-hourly-rollups-and-settled-reservations.js';
import * as usageBodies from './0004-usage-bodies.js';
import * as interruptedUsageStatus from './0005-interrupted-usage-status.js';
import * as storedResponses from './0006-stored-responses.js';
import * as usageErrorsAndRejectedCounts from './0007-usage-errors-and-rejected-counts.js';
import * as modelPositions from './0008-model-positions.js';
import * as reservationLeases from './0009-reservation-leases.js';
import * as partitionedUsageLog from './0010-partitioned-usage-log.js';
import * as responsePositionsAndSharedRateLimits from './0011-response-positions-and-shared-rate-limits.js';
import * as changeVersions from './0012-change-versions.js';
import * as usageGroupRollups from './0013-usage-group-rollups.js';
import * as teamsAndUsers from './0014-teams-and-users.js';
import * as reservationLevels from './0015-reservation-levels.js';
import * as teamAndUserChangeTopics from './0016-team-and-user-change-topics.js';
import * as budgetAlertMarks from './0017-budget-alert-marks.js';
import * as apps from './0018-apps.js';

export interface Migration {
  /** 1, 2, 3... with no gaps; stored in PRAGMA user_version once applied. */
  version: number;
  name: string;
  /** The SQLite text. */
  sql: string;
}

/** A step of the app's list: the same version for PostgreSQL (team mode). */
export interface SchemaStep extends Migration {
  postgresql: string;
}

/** What the PostgreSQL runner needs of a step; tests pass their own. */
export interface PostgresMigration {
  version: number;
  name: string;
  postgresql: string;
}

export const MIGRATIONS: readonly SchemaStep[] = [initialSchema, dashboardModels, hourlyRollupsAndSettledReservations, usageBodies, interruptedUsageStatus, storedResponses, usageErrorsAndRejectedCounts, modelPositions, reservationLeases, partitionedUsageLog, responsePositionsAndSharedRateLimits, changeVersions, usageGroupRollups, teamsAndUsers, reservationLevels, teamAndUserChangeTopics, budgetAlertMarks, apps];

/** The newest schema this build understands; a file above it is refused, not downgraded. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
