// bench_ceiling --port N [--host ADDR] [--threads N]
//
// The throughput ceiling of a Poco HTTPServer on this machine: answers
// {"ok":true} to any request (any method, any path), after reading and
// discarding its body. Same server shape as worktable (one thread per
// keep-alive connection, its own thread pool), no work per request.
// Stops on SIGINT or SIGTERM.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>

namespace {

constexpr char kAnswer[] = "{\"ok\":true}";

class ConstantHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    std::istream& body = request.stream();
    body.ignore(std::numeric_limits<std::streamsize>::max());
    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(sizeof kAnswer - 1);
    response.setKeepAlive(request.getKeepAlive());
    response.sendBuffer(kAnswer, sizeof kAnswer - 1);
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new ConstantHandler;
  }
};

[[noreturn]] void usage() {
  std::cerr << "usage: bench_ceiling --port N [--host ADDR] [--threads N]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  int threads = 128;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) usage();
    if (arg == "--port") port = std::atoi(argv[++i]);
    else if (arg == "--host") host = argv[++i];
    else if (arg == "--threads") threads = std::atoi(argv[++i]);
    else usage();
  }
  if (port < 0 || port > 65535 || threads < 64) usage();

  // Block the stop signals in every thread (the pool's threads inherit the
  // mask), then wait for one of them in main.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  try {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(host, static_cast<Poco::UInt16>(port)), 256);
    Poco::ThreadPool pool(4, threads, 60);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(15, 0));
    params->setMaxKeepAliveRequests(0);  // unlimited
    Poco::Net::HTTPServer server(new Factory, pool, socket, params);
    server.start();
    std::cout << "bench_ceiling listening on http://" << socket.address().toString() << "/" << std::endl;
    int signal = 0;
    sigwait(&stop, &signal);
    server.stopAll(true);
    pool.joinAll();
  } catch (const Poco::Exception& e) {
    std::cerr << "bench_ceiling: " << e.displayText() << std::endl;
    return 1;
  }
  return 0;
}
