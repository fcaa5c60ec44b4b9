// worktable --port N --data DIR [--db URL] [--smtp HOST:PORT] [--host ADDR] [--web DIR]
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/ServerApplication.h>

#include <iostream>

#include "worktable/server/server.h"
#include "worktable/tables/error.h"

namespace {

using Poco::Util::Option;
using Poco::Util::OptionSet;

class WorktableApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(OptionSet& options) override {
    auto add = [&](const char* name, const char* help, bool takes_argument = true) {
      Option option(name, "", help);
      option.required(false).repeatable(false);
      if (takes_argument) option.argument("VALUE");
      option.callback(Poco::Util::OptionCallback<WorktableApp>(this, &WorktableApp::handleOption));
      options.addOption(option);
    };
    add("port", "port to listen on (default 8080)");
    add("host", "address to listen on (default 127.0.0.1)");
    add("data", "data folder (default ./data)");
    add("db", "database URL: sqlite:PATH or postgresql://USER@HOST:PORT/DBNAME (default sqlite:<data>/worktable.db)");
    add("smtp", "SMTP server HOST:PORT (default: write mails under <data>/outbox/)");
    add("public-url", "start of the links in mails (default http://HOST:PORT)");
    add("web", "folder of the web UI's static files");
    add("samples", "folder of the demo data");
    add("no-demo", "do not create the demo company in an empty store", false);
    add("help", "show this help", false);
  }

  void handleOption(const std::string& name, const std::string& value) {
    if (name == "help") {
      Poco::Util::HelpFormatter help(options());
      help.setUsage("--port N --data DIR [--db URL] [--smtp HOST:PORT]");
      help.setHeader("Worktable: spreadsheet-style table workspaces.");
      help.format(std::cout);
      stopOptionsProcessing();
      help_ = true;
    } else if (name == "port") {
      options_.port = std::stoi(value);
    } else if (name == "host") {
      options_.host = value;
    } else if (name == "data") {
      options_.data_dir = value;
    } else if (name == "db") {
      options_.db_url = value;
    } else if (name == "smtp") {
      options_.smtp = value;
    } else if (name == "public-url") {
      options_.public_url = value;
    } else if (name == "web") {
      options_.web_dir = value;
    } else if (name == "samples") {
      options_.samples_dir = value;
    } else if (name == "no-demo") {
      options_.demo = false;
    }
  }

  int main(const std::vector<std::string>&) override {
    if (help_) return EXIT_OK;
    try {
      worktable::server::Server server(options_);
      server.start();
      std::cout << "Worktable listening on http://" << options_.host << ":" << server.port() << "/" << std::endl;
      waitForTerminationRequest();
      server.stop();
    } catch (const worktable::Error& e) {
      std::cerr << "worktable: " << e.what() << std::endl;
      return EXIT_SOFTWARE;
    } catch (const Poco::Exception& e) {
      std::cerr << "worktable: " << e.displayText() << std::endl;
      return EXIT_SOFTWARE;
    }
    return EXIT_OK;
  }

 private:
  worktable::server::ServerOptions options_ = [] {
    worktable::server::ServerOptions defaults;
    defaults.web_dir = WORKTABLE_WEB_DIR;
    defaults.samples_dir = WORKTABLE_SAMPLES_DIR;
    return defaults;
  }();
  bool help_ = false;
};

}  // namespace

POCO_SERVER_MAIN(WorktableApp)
