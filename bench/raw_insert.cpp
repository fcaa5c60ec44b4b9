// The floor for an import: the same CSV rows inserted straight into SQLite through its C
// API, into a table shaped like a Users table after an import (a column per field, the
// first, User ID, indexed: the engine indexes a column on first sort or look-up, and an
// import looks up its key), in one transaction with one prepared statement. No validators,
// no history, no accounts: what a bare store can do, so the import figure can be read as a
// ratio of it.
//
//   bench_raw_insert FILE.csv DB_PATH   prints "ROWS SECONDS"
#include <csv.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Loader {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::vector<std::string> cells;
  size_t columns = 0;
  long rows = 0;
  bool header = true;

  void check(int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
      std::cerr << what << ": " << sqlite3_errmsg(db) << "\n";
      std::exit(1);
    }
  }
  void exec(const std::string& sql) { check(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), sql.c_str()); }

  void start(const std::vector<std::string>& names) {
    columns = names.size();
    std::string create = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL";
    std::string insert_sql = "INSERT INTO t VALUES (NULL, 1";
    for (size_t i = 0; i < columns; ++i) {
      create += ", c" + std::to_string(i) + " TEXT COLLATE NOCASE";
      insert_sql += ", ?";
    }
    exec(create + ")");
    if (columns > 0) exec("CREATE INDEX t_c0 ON t (c0)");
    check(sqlite3_prepare_v2(db, (insert_sql + ")").c_str(), -1, &insert, nullptr), "prepare");
  }

  void row() {
    if (header) {
      header = false;
      start(cells);
    } else {
      for (size_t i = 0; i < columns; ++i) {
        if (i < cells.size()) {
          sqlite3_bind_text(insert, static_cast<int>(i + 1), cells[i].data(), static_cast<int>(cells[i].size()),
                            SQLITE_STATIC);
        } else {
          sqlite3_bind_null(insert, static_cast<int>(i + 1));
        }
      }
      check(sqlite3_step(insert), "insert");
      sqlite3_reset(insert);
      ++rows;
    }
    cells.clear();
  }
};

void onCell(void* data, size_t size, void* self) {
  static_cast<Loader*>(self)->cells.emplace_back(static_cast<const char*>(data), size);
}
void onRow(int, void* self) { static_cast<Loader*>(self)->row(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: bench_raw_insert FILE.csv DB_PATH\n";
    return 2;
  }
  Loader loader;
  std::remove(argv[2]);
  if (sqlite3_open(argv[2], &loader.db) != SQLITE_OK) return 1;
  loader.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536");
  auto started = std::chrono::steady_clock::now();
  loader.exec("BEGIN");
  csv_parser parser;
  csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL);
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<char> chunk(1 << 16);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    size_t size = static_cast<size_t>(in.gcount());
    if (csv_parse(&parser, chunk.data(), size, onCell, onRow, &loader) != size) return 1;
  }
  csv_fini(&parser, onCell, onRow, &loader);
  csv_free(&parser);
  loader.exec("COMMIT");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  sqlite3_finalize(loader.insert);
  sqlite3_close(loader.db);
  std::printf("%ld %.3f\n", loader.rows, seconds);
  return 0;
}
