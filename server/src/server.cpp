#include "worktable/server/server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <sched.h>

#include <iostream>

#include "access.h"
#include "demo.h"
#include "http.h"
#include "import_jobs.h"
#include "mail_sender.h"
#include "routes.h"
#include "services.h"
#include "static_files.h"

namespace worktable::server {
namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

// Request threads do not preempt a running thread when they wake up (SCHED_BATCH, which a
// thread may choose for itself without privileges). The thread running a write round was
// preempted by every request thread the network woke, and 31 queued writes waited for it
// to get the CPU back: PATCH throughput +25%. They still share the CPU fairly, by the tick.
void yieldOnWakeUp() {
  static thread_local bool done = [] {
    sched_param param{};
    return sched_setscheduler(0, SCHED_BATCH, &param) == 0;
  }();
  (void)done;
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(const Router& router, Services& services) : router_(router), services_(services) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    yieldOnWakeUp();
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "same-origin");
    response.set("Content-Security-Policy", kContentSecurityPolicy);
    Context ctx(request, response, services_);
    try {
      handle(ctx);
    } catch (const Error& error) {
      sendError(response, error);
    } catch (const Poco::Exception& e) {
      sendError(response, Error(ErrorKind::kInternal, "internal", e.displayText()));
    } catch (const std::exception& e) {
      sendError(response, Error(ErrorKind::kInternal, "internal", e.what()));
    }
    try {
      ctx.discardUnreadBody();
    } catch (const std::exception&) {
      response.setKeepAlive(false);
    }
  }

 private:
  void handle(Context& ctx) {
    if (ctx.malformedUri()) throw badRequest("The request's address is not a valid URI.");
    if (ctx.path() == "/healthz") return ctx.sendJson(200, Poco::JSON::Object().set("status", "ok"));
    bool api = ctx.path().rfind("/api/", 0) == 0;
    if (api) ctx.response().set("Cache-Control", "no-store");
    if (router_.dispatch(ctx)) return;
    if (!api && serveStatic(ctx)) return;
    throw Error(ErrorKind::kNotFound, "not_found", "Nothing at " + ctx.path() + "; see API.md for the routes.");
  }

 private:
  const Router& router_;
  Services& services_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(const Router& router, Services& services) : router_(router), services_(services) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(router_, services_);
  }

 private:
  const Router& router_;
  Services& services_;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Services services;
  Router router;
  std::unique_ptr<MailSender> mail;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  Services& s = impl_->services;
  std::filesystem::create_directories(impl_->options.data_dir);
  std::string url = impl_->options.db_url;
  if (url.empty()) url = "sqlite:" + (impl_->options.data_dir / "worktable.db").string();
  s.data_dir = impl_->options.data_dir;
  s.web_dir = impl_->options.web_dir;
  s.db = sql::Database::open(url);
  s.engine = std::make_unique<tables::Engine>(*s.db);
  s.accounts = std::make_unique<accounts::Accounts>(*s.db);
  s.outbox = std::make_unique<accounts::Outbox>(*s.db);
  s.administration = std::make_unique<validators::Administration>(*s.engine, *s.accounts);
  std::string public_url = impl_->options.public_url;
  if (public_url.empty()) {
    public_url = "http://" + impl_->options.host + ":" + std::to_string(impl_->options.port);
  }
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  s.users.reset(new validators::UsersContext{*s.accounts, *s.outbox, *s.administration, public_url});
  validators::attachUsersValidators(*s.engine, *s.users);
  s.lifecycle = std::make_unique<validators::Lifecycle>(*s.users);
  s.sharing = std::make_unique<accounts::Sharing>(*s.db);
  s.workspace_sharing = std::make_unique<validators::WorkspaceSharing>(*s.engine, *s.sharing, *s.users);
  s.access = std::make_unique<Access>(s);
  s.imports = std::make_unique<ImportJobs>(s, s.data_dir / "imports");
  impl_->mail = std::make_unique<MailSender>(*s.db, *s.outbox, s.data_dir / "outbox", impl_->options.smtp);
  addAccountRoutes(impl_->router);
  addWorkspaceRoutes(impl_->router);
  addRecordRoutes(impl_->router);
  addCsvRoutes(impl_->router);
  addAdminRoutes(impl_->router);
  addSharingRoutes(impl_->router);
  if (impl_->options.demo) createDemoIfEmpty(s, impl_->options.samples_dir, std::cout);
}

Server::~Server() { stop(); }

void Server::start() {
  // Poco's ServerSocket(address) sets SO_REUSEPORT, which lets a second server share a busy
  // port silently; bind without it so a taken port is an error.
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(impl_->options.host, impl_->options.port), true, false);
  socket.listen(128);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(impl_->options.max_threads);
  params->setMaxQueued(1024);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(15, 0));
  params->setTimeout(Poco::Timespan(60, 0));
  impl_->pool = std::make_unique<Poco::ThreadPool>(4, impl_->options.max_threads);
  impl_->http = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(impl_->router, impl_->services),
                                                        *impl_->pool, socket, params);
  impl_->http->start();
  impl_->mail->start();
}

void Server::stop() {
  if (impl_ && impl_->mail) impl_->mail->stop();
  if (impl_ && impl_->services.imports) impl_->services.imports->stop();
  if (impl_ && impl_->http) {
    impl_->http->stopAll(true);
    impl_->http.reset();
    impl_->pool->joinAll();
  }
}

int Server::port() const { return impl_->http ? impl_->http->port() : impl_->options.port; }

}  // namespace worktable::server
