/* foliod_backup.h - `foliod backup` and `foliod restore`: a data directory
 * into one encrypted file (backup_file.h) and back.
 *
 * backup copies a data directory whether or not a foliod serves it: the
 * database from one read transaction of its own (compact_copy_dir), the
 * firm key and the TLS pair as they are on disk. It writes one file
 * (--out), or a new one in --backup-dir, keeping the newest --backup-keep
 * there: what a timer runs (dist/foliod-backup.service).
 *
 * restore makes a new data directory of a backup, or of an unencrypted
 * copy from before backups were encrypted, which holds no firm key and so
 * needs --new-identity. The passphrase comes from --passphrase-file (a file
 * no one else may read), FOLIO_BACKUP_PASSPHRASE, or the terminal. */
#ifndef FOLIO_FOLIOD_BACKUP_H
#define FOLIO_FOLIOD_BACKUP_H

extern const char foliod_backup_usage[];
extern const char foliod_restore_usage[];

/* argv[0] is the command's name; the exit status (0, 1 failed, 2 usage). */
int foliod_backup(int argc, char **argv);
int foliod_restore(int argc, char **argv);

#endif
