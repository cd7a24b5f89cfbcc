/* Maps the ferrolite API used by ../main.c onto the real SQLite library, so
 * scripts/c-example.sh can check that expected.txt is what SQLite itself prints. */
#include <sqlite3.h>
typedef sqlite3 ferrolite;
typedef sqlite3_stmt ferrolite_stmt;
#define ferrolite_open sqlite3_open
#define ferrolite_close sqlite3_close
#define ferrolite_exec sqlite3_exec
#define ferrolite_prepare_v2 sqlite3_prepare_v2
#define ferrolite_bind_parameter_count sqlite3_bind_parameter_count
#define ferrolite_bind_parameter_name sqlite3_bind_parameter_name
#define ferrolite_bind_parameter_index sqlite3_bind_parameter_index
#define ferrolite_bind_double sqlite3_bind_double
#define ferrolite_bind_null sqlite3_bind_null
#define ferrolite_bind_int sqlite3_bind_int
#define ferrolite_step sqlite3_step
#define ferrolite_last_insert_rowid sqlite3_last_insert_rowid
#define ferrolite_changes sqlite3_changes
#define ferrolite_reset sqlite3_reset
#define ferrolite_clear_bindings sqlite3_clear_bindings
#define ferrolite_finalize sqlite3_finalize
#define ferrolite_column_count sqlite3_column_count
#define ferrolite_column_name sqlite3_column_name
#define ferrolite_column_decltype sqlite3_column_decltype
#define ferrolite_column_type sqlite3_column_type
#define ferrolite_column_int64 sqlite3_column_int64
#define ferrolite_column_double sqlite3_column_double
#define ferrolite_column_text sqlite3_column_text
#define ferrolite_column_blob sqlite3_column_blob
#define ferrolite_column_bytes sqlite3_column_bytes
#define ferrolite_extended_errcode sqlite3_extended_errcode
#define ferrolite_errmsg sqlite3_errmsg
#define ferrolite_errstr sqlite3_errstr
#define ferrolite_free sqlite3_free
#define ferrolite_bind_text(s, i, t, n) sqlite3_bind_text(s, i, t, n, SQLITE_TRANSIENT)
#define ferrolite_bind_blob(s, i, d, n) sqlite3_bind_blob(s, i, d, n, SQLITE_TRANSIENT)
#define FERROLITE_OK SQLITE_OK
#define FERROLITE_NULL SQLITE_NULL
#define FERROLITE_INTEGER SQLITE_INTEGER
#define FERROLITE_FLOAT SQLITE_FLOAT
#define FERROLITE_TEXT SQLITE_TEXT
#define FERROLITE_BLOB SQLITE_BLOB
#define FERROLITE_DONE SQLITE_DONE
#define FERROLITE_ROW SQLITE_ROW
