/*
 * ferrolite from C: create a table, insert rows with bound parameters of
 * every type, read them back, show an error with its codes, and use
 * ferrolite_exec with a callback.
 *
 * Build (see scripts/c-example.sh):
 *   cc -o example main.c -I../../include -L<libdir> -lferrolite -Wl,-rpath,<libdir>
 * Run: ./example [database-file]        (default: example.db, recreated)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ferrolite.h"

static void die(ferrolite *db, int rc, const char *what) {
    fprintf(stderr, "%s failed: %s (%d)\n", what, db ? ferrolite_errmsg(db) : ferrolite_errstr(rc), rc);
    exit(1);
}

static void print_value(ferrolite_stmt *stmt, int i) {
    switch (ferrolite_column_type(stmt, i)) {
    case FERROLITE_NULL:
        printf("NULL");
        break;
    case FERROLITE_INTEGER:
        printf("%lld", (long long)ferrolite_column_int64(stmt, i));
        break;
    case FERROLITE_FLOAT:
        printf("%.2f", ferrolite_column_double(stmt, i));
        break;
    case FERROLITE_TEXT:
        printf("'%s'", (const char *)ferrolite_column_text(stmt, i));
        break;
    case FERROLITE_BLOB: {
        const unsigned char *b = (const unsigned char *)ferrolite_column_blob(stmt, i);
        int n = ferrolite_column_bytes(stmt, i);
        printf("x'");
        for (int k = 0; k < n; k++) printf("%02x", b[k]);
        printf("'");
        break;
    }
    }
}

static int print_row(void *arg, int ncols, char **values, char **names) {
    (void)arg;
    for (int i = 0; i < ncols; i++) printf("%s%s=%s", i ? " " : "", names[i], values[i] ? values[i] : "NULL");
    printf("\n");
    return 0;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "example.db";
    remove(path);

    ferrolite *db = NULL;
    int rc = ferrolite_open(path, &db);
    if (rc != FERROLITE_OK) die(NULL, rc, "open");

    rc = ferrolite_exec(db,
                        "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "price REAL, qty INTEGER, data BLOB)",
                        NULL, NULL, NULL);
    if (rc != FERROLITE_OK) die(db, rc, "create table");

    ferrolite_stmt *ins = NULL;
    rc = ferrolite_prepare_v2(db, "INSERT INTO items(name, price, qty, data) VALUES(?1, ?2, ?3, :data)", -1,
                              &ins, NULL);
    if (rc != FERROLITE_OK) die(db, rc, "prepare insert");
    printf("insert has %d parameters, the 4th is %s\n", ferrolite_bind_parameter_count(ins),
           ferrolite_bind_parameter_name(ins, 4));

    static const unsigned char apple_data[] = {0xde, 0xad, 0xbe, 0xef};
    struct { const char *name; double price; int qty; const void *data; int ndata; } rows[] = {
        {"apple", 1.25, 10, apple_data, 4},
        {"pear", 0.5, -1, NULL, 0},
        {"plum", 2.75, 3, "\x01\x02\x03", 3},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        ferrolite_bind_text(ins, 1, rows[r].name, -1);
        ferrolite_bind_double(ins, 2, rows[r].price);
        if (rows[r].qty < 0) ferrolite_bind_null(ins, 3);
        else ferrolite_bind_int(ins, 3, rows[r].qty);
        ferrolite_bind_blob(ins, ferrolite_bind_parameter_index(ins, ":data"), rows[r].data, rows[r].ndata);
        rc = ferrolite_step(ins);
        if (rc != FERROLITE_DONE) die(db, rc, "insert");
        printf("inserted rowid %lld (%d change)\n", (long long)ferrolite_last_insert_rowid(db), ferrolite_changes(db));
        ferrolite_reset(ins);
        ferrolite_clear_bindings(ins);
    }
    ferrolite_finalize(ins);

    ferrolite_stmt *sel = NULL;
    rc = ferrolite_prepare_v2(db, "SELECT id, name, price, qty, data FROM items WHERE price > ? ORDER BY id", -1,
                              &sel, NULL);
    if (rc != FERROLITE_OK) die(db, rc, "prepare select");
    ferrolite_bind_double(sel, 1, 0.1);
    int ncols = ferrolite_column_count(sel);
    for (int i = 0; i < ncols; i++)
        printf("%s%s %s", i ? ", " : "columns: ", ferrolite_column_name(sel, i),
               ferrolite_column_decltype(sel, i) ? ferrolite_column_decltype(sel, i) : "(none)");
    printf("\n");
    while ((rc = ferrolite_step(sel)) == FERROLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            if (i) printf(" | ");
            print_value(sel, i);
        }
        printf("\n");
    }
    if (rc != FERROLITE_DONE) die(db, rc, "select");
    ferrolite_finalize(sel);

    /* Errors carry SQLite's codes and messages. */
    rc = ferrolite_exec(db, "INSERT INTO items(id, name) VALUES(1, 'again')", NULL, NULL, NULL);
    printf("duplicate id: rc=%d extended=%d errmsg=\"%s\"\n", rc, ferrolite_extended_errcode(db),
           ferrolite_errmsg(db));
    char *err = NULL;
    rc = ferrolite_exec(db, "INSERT INTO items(name) VALUES(NULL)", NULL, NULL, &err);
    printf("null name: rc=%d errmsg=\"%s\"\n", rc, err ? err : "");
    ferrolite_free(err);

    rc = ferrolite_exec(db, "SELECT count(*) AS n, sum(qty) AS total_qty FROM items", print_row, NULL, &err);
    if (rc != FERROLITE_OK) die(db, rc, "exec with callback");

    rc = ferrolite_close(db);
    if (rc != FERROLITE_OK) die(NULL, rc, "close");
    printf("closed\n");
    return 0;
}
