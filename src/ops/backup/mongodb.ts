/** With MONGODB_URI set the hub's data is in MongoDB, and MongoDB's own tools back it up. */
export const MONGODB_BACKUP_ADVICE = `This hub is configured for MongoDB (MONGODB_URI is set). npm run backup and npm run restore copy the
embedded store only; back MongoDB up with its own tools:
  mongodump --uri "$MONGODB_URI" --oplog --gzip --archive=hub-backup.archive      (whole replica set, one point in time)
  mongorestore --uri "$MONGODB_URI" --oplogReplay --gzip --archive=hub-backup.archive --drop
or take a filesystem or volume snapshot of a replica-set member (journal and data on the same volume, or db.fsyncLock() first).
See docs/operations.md#backup-and-restore.`;
