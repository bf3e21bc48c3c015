// PBKDF2-HMAC-SHA256 password hashes through OpenSSL (see password.h for the format).
#include "service/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

#include "ejournal/model/error.h"

namespace ejournal::app::service {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

bool unbase64(const std::string& text, std::vector<unsigned char>& out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  out.assign(text.size() / 4 * 3 + 1, 0);
  int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
  if (len < 0) return false;
  size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(len) - pad);
  return true;
}

std::vector<unsigned char> derive(const std::string& password, const unsigned char* salt, size_t saltLen,
                                  int iterations, size_t outLen) {
  std::vector<unsigned char> out(outLen);
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(saltLen),
                        iterations, EVP_sha256(), static_cast<int>(outLen), out.data()) != 1)
    throw Error(ErrorKind::Internal, "password", "OpenSSL PBKDF2 failed");
  return out;
}

}  // namespace

void checkPasswordPolicy(const std::string& password) {
  size_t chars = 0;
  for (unsigned char c : password)
    if ((c & 0xC0) != 0x80) ++chars;  // count UTF-8 code points
  if (chars < 10) throw Error(ErrorKind::Input, "пароль", "пароль должен содержать не менее 10 символов");
  bool digit = false, other = false;
  for (unsigned char c : password) (c >= '0' && c <= '9' ? digit : other) = true;
  if (!digit || !other)
    throw Error(ErrorKind::Input, "пароль", "пароль должен содержать и цифры, и буквы или другие знаки");
}

std::string hashPassword(const std::string& password, int iterations) {
  if (iterations < kMinPasswordIterations)
    throw Error(ErrorKind::Input, "password",
                "PBKDF2 iteration count below " + std::to_string(kMinPasswordIterations));
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1)
    throw Error(ErrorKind::Internal, "password", "OpenSSL RAND_bytes failed");
  auto hash = derive(password, salt, sizeof salt, iterations, kHashBytes);
  return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + base64(salt, sizeof salt) + "$" +
         base64(hash.data(), hash.size());
}

bool verifyPassword(const std::string& password, const std::string& encoded) {
  const std::string prefix = "pbkdf2-sha256$";
  if (encoded.rfind(prefix, 0) != 0) return false;
  size_t a = prefix.size();
  size_t b = encoded.find('$', a);
  if (b == std::string::npos) return false;
  size_t c = encoded.find('$', b + 1);
  if (c == std::string::npos) return false;
  int iterations = 0;
  auto [p, ec] = std::from_chars(encoded.data() + a, encoded.data() + b, iterations);
  if (ec != std::errc() || p != encoded.data() + b || iterations < kMinPasswordIterations ||
      iterations > 100000000)
    return false;
  std::vector<unsigned char> salt, expected;
  if (!unbase64(encoded.substr(b + 1, c - b - 1), salt) || !unbase64(encoded.substr(c + 1), expected))
    return false;
  if (salt.empty() || expected.size() != kHashBytes) return false;
  auto actual = derive(password, salt.data(), salt.size(), iterations, expected.size());
  return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

int iterationsOf(const std::string& encoded) {
  const std::string prefix = "pbkdf2-sha256$";
  if (encoded.rfind(prefix, 0) != 0) return 0;
  const size_t end = encoded.find('$', prefix.size());
  if (end == std::string::npos) return 0;
  int iterations = 0;
  auto [p, ec] = std::from_chars(encoded.data() + prefix.size(), encoded.data() + end, iterations);
  return ec == std::errc() && p == encoded.data() + end && iterations <= 100000000 ? iterations : 0;
}

void dummyVerify(const std::string& password, int iterations) {
  static const unsigned char salt[kSaltBytes] = {};
  derive(password, salt, sizeof salt, iterations, kHashBytes);
}

std::string randomSecret(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(bytes)) != 1)
    throw Error(ErrorKind::Internal, "random", "OpenSSL RAND_bytes failed");
  std::string s = base64(raw.data(), raw.size());
  for (char& ch : s) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

}  // namespace ejournal::app::service
