// The service's listening sockets: Poco's TCPServer with the service's own HTTP connection (after Poco 1.11's
// HTTPServerConnection), bounded against slow and idle clients. Poco gives every connection a worker thread
// for its whole life and bounds only each single read (server.timeout), so a client trickling header bytes,
// or holding an idle TLS connection, keeps a thread as long as it likes. Here:
//   - the request headers (and the TLS handshake before the first request) must arrive within headerTimeout
//   of
//     the connection's start or of the end of the previous response, and a body read by
//     readBody/receiveUpload within bodyTimeout; a watchdog shuts down a connection past its deadline;
//   - one client address holds at most `perAddress` connections (queued or served); further ones are closed
//     at once;
//   - when fewer than `reserve` worker threads are left, a new connection evicts the oldest connection that
//   has
//     not yet sent a complete request (idle keep-alive first), so a new client is served within milliseconds;
//   - a port already taken by another process is an error (SO_REUSEADDR without SO_REUSEPORT).
// Private to app/src/service.
#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <chrono>
#include <memory>
#include <string>

namespace ejournal::app::service {

struct ListenerLimits {
  int maxThreads = 32;
  int maxQueued = 256;                 // connections waiting for a worker thread
  std::chrono::seconds ioTimeout{60};  // one read or write
  std::chrono::milliseconds headerTimeout{10000};
  std::chrono::milliseconds bodyTimeout{300000};
  std::chrono::seconds keepAlive{5};
  int perAddress = 8;
  int reserve = 4;
};

class Listener {
 public:
  // Binds `address`:`port` (0: a free port), plain or with TLS when `tls` is set. Throws ejournal::Error
  // (Conflict when the port is taken, Internal otherwise) with a Russian message.
  Listener(const std::string& address, int port, Poco::AutoPtr<Poco::Net::Context> tls,
           Poco::Net::HTTPRequestHandlerFactory::Ptr factory, const ListenerLimits& limits,
           Poco::Logger& log);
  ~Listener();  // stop()
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int port() const;
  void start();
  // Stops accepting, shuts down every open connection and waits for running requests to finish. Idempotent.
  void stop();

  struct State;  // listener.cpp

 private:
  std::shared_ptr<State> state_;
};

// While alive, the calling thread's connection is reading a request body: it must be read within the body
// timeout. Outside a connection's thread (tests calling handlers directly) it does nothing.
class BodyReading {
 public:
  BodyReading();
  ~BodyReading();
  BodyReading(const BodyReading&) = delete;
  BodyReading& operator=(const BodyReading&) = delete;
  // True when the watchdog shut the connection down because the body took too long.
  bool timedOut() const;
  // The body timeout in seconds, for messages.
  long seconds() const;

 private:
  void* entry_;
};

}  // namespace ejournal::app::service
