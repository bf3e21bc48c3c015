// Bounded listeners for the service (listener.h).
#include "service/listener.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/ThreadPool.h>
#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <thread>

#include "ejournal/model/error.h"
#include "service/http.h"

namespace ejournal::app::service {

using Clock = std::chrono::steady_clock;
using Poco::Net::HTTPResponse;

namespace {

enum class Phase {
  Headers,  // waiting for a request's headers (and, on the first, for the TLS handshake)
  Idle,     // keep-alive: waiting for the next request
  Body,     // a handler is reading the request body
  Busy,     // a handler is working or answering: not bounded here
  Closed,   // shut down by the watchdog or an eviction, not yet finished
};

}  // namespace

struct ConnectionEntry {
  int fd = -1;
  std::string address;
  Phase phase = Phase::Headers;
  Clock::time_point since;
  Clock::time_point deadline;
  bool timedOut = false;
  Listener::State* state = nullptr;
};

namespace {
thread_local ConnectionEntry* tCurrent = nullptr;
constexpr auto kEvictionGrace = std::chrono::milliseconds(500);
}  // namespace

struct Listener::State {
  State(const ListenerLimits& l, Poco::Logger& lg) : limits(l), log(lg), pool(2, l.maxThreads, 60) {}

  ListenerLimits limits;
  Poco::Logger& log;
  Poco::Net::HTTPServerParams::Ptr params;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory;
  int port = 0;

  std::mutex mutex;  // guards everything below
  std::condition_variable wake;
  // Every admitted connection, from admission on: a connection still in Poco's queue can be shut down too, so
  // an eviction makes room for the newest client instead of for the next slow one queued before it. `queued`
  // finds the entry of a socket that has not started yet by its descriptor (a started one may close its
  // descriptor before it leaves, and the number be reused).
  std::list<std::unique_ptr<ConnectionEntry>> entries;
  std::map<int, ConnectionEntry*> queued;
  std::map<std::string, int> perAddress;  // admitted connections (queued or served) per client address
  int open = 0;                           // admitted and not finished
  int closing = 0;                        // shut down, not finished yet
  bool started = false;
  bool stopping = false;
  int refused = 0, timedOut = 0, evicted = 0;  // since the last summary in the log
  Clock::time_point lastSummary = Clock::now();

  std::thread watchdog;
  Poco::ThreadPool pool;  // declared before the server: destroyed after it
  std::unique_ptr<Poco::Net::TCPServer> server;

  // The connection filter (acceptor thread).
  bool admit(const std::string& address, int fd) {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopping) return false;
    auto it = perAddress.find(address);
    const int mine = it == perAddress.end() ? 0 : it->second;
    if (mine >= limits.perAddress || open >= limits.maxThreads + limits.maxQueued) {
      ++refused;
      log.debug("refused a connection from %s: %d open from that address, %d in all", address, mine, open);
      return false;
    }
    while (open - closing >= limits.maxThreads - limits.reserve && evictOne()) {
    }
    ++perAddress[address];
    ++open;
    auto e = std::make_unique<ConnectionEntry>();
    e->fd = fd;
    e->address = address;
    e->state = this;
    e->since = Clock::now();
    e->deadline = e->since + limits.headerTimeout;  // time in the queue counts
    // A connection Poco dropped from its queue never ran; its descriptor may be reused now.
    if (auto old = queued.find(fd); old != queued.end()) forget(*old->second);
    queued[fd] = e.get();
    entries.push_back(std::move(e));
    return true;
  }

  // Shuts down the connection that has waited longest without sending a complete request: idle keep-alive
  // ones first, then those still sending headers; only after a grace a real client's headers arrive well
  // within, so a burst of real clients does not evict itself. Under the mutex.
  bool evictOne() {
    const auto graceStart = Clock::now() - kEvictionGrace;
    ConnectionEntry* victim = nullptr;
    for (Phase p : {Phase::Idle, Phase::Headers}) {
      for (const auto& e : entries)
        if (e->phase == p && e->since < graceStart && (!victim || e->since < victim->since)) victim = e.get();
      if (victim) break;
    }
    if (!victim) return false;
    log.debug("evicted a waiting connection from %s to make room", victim->address);
    ++evicted;
    shut(*victim);
    return true;
  }

  void shut(ConnectionEntry& e) {
    ::shutdown(e.fd,
               SHUT_RDWR);  // the connection's blocked read or poll returns; it closes the socket itself
    e.timedOut = true;
    e.phase = Phase::Closed;
    ++closing;
  }

  // The entry admit() made for this connection's socket (one is made for a socket that bypassed the filter).
  ConnectionEntry* enter(int fd, const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex);
    ConnectionEntry* e = nullptr;
    if (auto it = queued.find(fd); it != queued.end()) {
      e = it->second;
      queued.erase(it);
    } else {
      auto made = std::make_unique<ConnectionEntry>();
      made->fd = fd;
      made->address = address;
      made->state = this;
      made->since = Clock::now();
      made->deadline = made->since + limits.headerTimeout;
      ++perAddress[address];
      ++open;
      e = made.get();
      entries.push_back(std::move(made));
    }
    if (stopping) shut(*e);
    return e;
  }

  void leave(ConnectionEntry& e) {
    std::lock_guard<std::mutex> lock(mutex);
    forget(e);  // from here on nobody touches the descriptor
  }

  // Under the mutex: the connection's counts and entry go; `e` is destroyed.
  void forget(ConnectionEntry& e) {
    if (e.phase == Phase::Closed) --closing;
    auto it = perAddress.find(e.address);
    if (it != perAddress.end() && --it->second <= 0) perAddress.erase(it);
    --open;
    if (auto q = queued.find(e.fd); q != queued.end() && q->second == &e) queued.erase(q);
    entries.remove_if([&](const std::unique_ptr<ConnectionEntry>& p) { return p.get() == &e; });
  }

  void setPhase(ConnectionEntry& e, Phase p, Clock::duration timeout = {}) {
    std::lock_guard<std::mutex> lock(mutex);
    if (e.phase == Phase::Closed) return;
    e.phase = p;
    e.since = Clock::now();
    e.deadline = e.since + timeout;
  }

  bool isStopping() {
    std::lock_guard<std::mutex> lock(mutex);
    return stopping;
  }

  void watch() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      wake.wait_for(lock, std::chrono::milliseconds(100));
      const auto now = Clock::now();
      for (const auto& e : entries) {
        if ((e->phase == Phase::Headers || e->phase == Phase::Idle || e->phase == Phase::Body) &&
            now >= e->deadline) {
          if (e->phase != Phase::Idle) {
            ++timedOut;
            log.debug("closed a connection from %s: %s not received in time", e->address,
                      std::string(e->phase == Phase::Body ? "request body" : "request headers"));
          }
          shut(*e);
        }
      }
      if (now - lastSummary >= std::chrono::minutes(1)) {
        if (refused || timedOut || evicted)
          log.warning(
              "connections in the last minute: %d refused (per-address or total limit), %d closed for slow "
              "headers or body, %d evicted to keep threads free",
              refused, timedOut, evicted);
        refused = timedOut = evicted = 0;
        lastSummary = now;
      }
    }
  }
};

namespace {

class Filter : public Poco::Net::TCPServerConnectionFilter {
 public:
  explicit Filter(Listener::State& s) : s_(s) {}
  bool accept(const Poco::Net::StreamSocket& socket) override {
    try {
      return s_.admit(socket.peerAddress().host().toString(), static_cast<int>(socket.impl()->sockfd()));
    } catch (const Poco::Exception&) {
      return false;  // already reset by the peer
    }
  }

 private:
  Listener::State& s_;
};

// One client connection: Poco 1.11's HTTPServerConnection::run, with the phases the watchdog bounds, a JSON
// 400 for a malformed request (Poco answered a bad Content-Length with silence), and no handler for a request
// the server is stopping under.
class Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, Listener::State& s)
      : TCPServerConnection(socket), s_(s) {}

  void run() override {
    std::string address;
    try {
      address = socket().peerAddress().host().toString();
    } catch (const Poco::Exception&) {
      address = "?";
    }
    ConnectionEntry& e = *s_.enter(static_cast<int>(socket().impl()->sockfd()), address);
    tCurrent = &e;
    try {
      serve(e);
    } catch (const Poco::Exception& ex) {
      s_.log.debug("connection from %s ended: %s", e.address, ex.displayText());
    } catch (const std::exception& ex) {
      s_.log.debug("connection from %s ended: %s", e.address, std::string(ex.what()));
    }
    tCurrent = nullptr;
    s_.leave(e);
  }

 private:
  void serve(ConnectionEntry& e) {
    Poco::Net::HTTPServerSession session(socket(), s_.params);
    // The session closes the socket when it goes; before that the connection stops being a candidate for a
    // shutdown by descriptor, whose number may be reused for a new client from then on.
    struct Done {
      Listener::State& s;
      ConnectionEntry& e;
      ~Done() { s.setPhase(e, Phase::Busy); }
    } done{s_, e};
    bool first = true;
    while (!s_.isStopping() && session.hasMoreRequests()) {
      if (!first) s_.setPhase(e, Phase::Headers, s_.limits.headerTimeout);
      first = false;
      Poco::Net::HTTPServerResponseImpl response(session);
      std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
      try {
        request = std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, s_.params.get());
      } catch (const Poco::Net::NoMessageException&) {
        return;  // the client closed the connection (or it was shut down) before a request
      } catch (const Poco::Net::MessageException&) {
        return badRequest(session, "некорректный запрос HTTP");
      } catch (const Poco::SyntaxException&) {
        return badRequest(session, "некорректный заголовок Content-Length: ожидается число байт");
      }
      if (request->has(Poco::Net::HTTPMessage::CONTENT_LENGTH)) {
        const std::string& length = request->get(Poco::Net::HTTPMessage::CONTENT_LENGTH);
        bool digits = !length.empty();
        for (char c : length) digits = digits && c >= '0' && c <= '9';
        if (!digits)
          return badRequest(session, "некорректный заголовок Content-Length: ожидается число байт");
      }
      s_.setPhase(e, Phase::Busy);
      response.setDate(Poco::Timestamp());
      response.setVersion(request->getVersion());
      response.setKeepAlive(s_.params->getKeepAlive() && request->getKeepAlive() && session.canKeepAlive());
      try {
        std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(s_.factory->createRequestHandler(*request));
        if (request->getExpectContinue() && response.getStatus() == HTTPResponse::HTTP_OK)
          response.sendContinue();
        handler->handleRequest(*request, response);
        session.setKeepAlive(s_.params->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
      } catch (const Poco::Exception&) {
        if (!response.sent()) {
          try {
            sendError(response,
                      ApiError(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal",
                               "внутренняя ошибка сервиса; подробности в журнале сервиса"),
                      true);
          } catch (...) {
          }
        }
        throw;
      }
      s_.setPhase(e, Phase::Idle, s_.limits.keepAlive + std::chrono::seconds(1));
    }
  }

  void badRequest(Poco::Net::HTTPServerSession& session, const std::string& message) {
    Poco::Net::HTTPServerResponseImpl response(session);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    sendError(response, ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_request", message), true);
    session.setKeepAlive(false);
  }

  Listener::State& s_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit ConnectionFactory(Listener::State& s) : s_(s) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new Connection(socket, s_);
  }

 private:
  Listener::State& s_;
};

}  // namespace

Listener::Listener(const std::string& address, int port, Poco::AutoPtr<Poco::Net::Context> tls,
                   Poco::Net::HTTPRequestHandlerFactory::Ptr factory, const ListenerLimits& limits,
                   Poco::Logger& log)
    : state_(std::make_shared<State>(limits, log)) {
  State& s = *state_;
  s.factory = std::move(factory);
  s.params = new Poco::Net::HTTPServerParams;
  s.params->setMaxThreads(limits.maxThreads);
  // The filter admits at most maxThreads + maxQueued connections, so Poco's own queue never overflows.
  s.params->setMaxQueued(limits.maxThreads + limits.maxQueued + 1);
  s.params->setTimeout(Poco::Timespan(static_cast<long>(limits.ioTimeout.count()), 0));
  s.params->setKeepAliveTimeout(Poco::Timespan(static_cast<long>(limits.keepAlive.count()), 0));
  s.params->setMaxKeepAliveRequests(1000);
  s.params->setServerName("ejournal");
  const std::string where = address + ":" + std::to_string(port);
  Poco::Net::ServerSocket socket;
  try {
    if (tls) socket = Poco::Net::SecureServerSocket(tls);
    // SO_REUSEADDR (a restart need not wait for TIME_WAIT) but not SO_REUSEPORT, Poco's default, which lets a
    // second instance bind the same port silently and take half of the connections.
    socket.bind(Poco::Net::SocketAddress(address, static_cast<Poco::UInt16>(port)), true, false);
    socket.listen(128);
  } catch (const Poco::Exception& e) {
    log.error("cannot listen on %s: %s", where, e.displayText());
    if (e.code() == EADDRINUSE)
      throw Error(ErrorKind::Conflict, "порт " + where,
                  "порт уже занят другой программой (возможно, уже запущен другой экземпляр ejournal serve): "
                  "остановите её или укажите другой порт");
    throw Error(
        ErrorKind::Internal, "порт " + where,
        "не удалось открыть порт (неверный адрес или недостаточно прав); подробности в журнале сервиса");
  }
  s.port = socket.address().port();
  s.server = std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(s), s.pool, socket, s.params);
  s.server->setConnectionFilter(new Filter(s));
}

Listener::~Listener() { stop(); }

int Listener::port() const { return state_->port; }

void Listener::start() {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.started) return;
    s.started = true;
  }
  s.watchdog = std::thread([&s] { s.watch(); });
  s.server->start();
}

void Listener::stop() {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    if (!s.started || s.stopping) return;
    s.stopping = true;
  }
  s.server->stop();  // no more accepts; queued connections are dropped
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    for (const auto& e : s.entries)
      if (e->phase != Phase::Busy && e->phase != Phase::Closed) s.shut(*e);
  }
  s.wake.notify_all();
  if (s.watchdog.joinable()) s.watchdog.join();
  s.pool.joinAll();  // running requests finish
}

BodyReading::BodyReading() : entry_(tCurrent) {
  if (auto* e = static_cast<ConnectionEntry*>(entry_))
    e->state->setPhase(*e, Phase::Body, e->state->limits.bodyTimeout);
}

BodyReading::~BodyReading() {
  if (auto* e = static_cast<ConnectionEntry*>(entry_)) e->state->setPhase(*e, Phase::Busy);
}

bool BodyReading::timedOut() const {
  auto* e = static_cast<ConnectionEntry*>(entry_);
  if (!e) return false;
  std::lock_guard<std::mutex> lock(e->state->mutex);
  return e->timedOut;
}

long BodyReading::seconds() const {
  auto* e = static_cast<ConnectionEntry*>(entry_);
  return e ? static_cast<long>(
                 std::chrono::duration_cast<std::chrono::seconds>(e->state->limits.bodyTimeout).count())
           : 0;
}

}  // namespace ejournal::app::service
