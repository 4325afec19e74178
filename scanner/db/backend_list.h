/* The database backends, one line each, in the order they are asked whether a root is theirs
 * (PostgreSQL last: it also takes libpq keyword strings). Included by db-int.h and db.c; a new
 * engine is one file in this folder and one line here. */
PD_DB_BACKEND(sqlite)   /* sqlite:///path, and SQLite files met in a walk: sqlite.c */
PD_DB_BACKEND(mariadb)  /* mariadb://, mysql://: mariadb.c */
PD_DB_BACKEND(postgres) /* postgresql://, postgres://, keyword strings: postgres.c */
