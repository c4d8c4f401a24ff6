#!/bin/sh
# The Eureka sample of docker-compose.yml: registers the instance in
# eureka-instance.json with the compose file's Eureka server (retrying until the
# server answers), then keeps its lease with a heartbeat every 30 s, registering
# it again whenever the server has forgotten it (a 404, e.g. after a restart).
set -eu
base="${EUREKA_URL:-http://eureka:8761/eureka}"
app=SAMPLE-WEB
id=sample-web-1
register() {
  curl -fsS -o /dev/null -X POST -H 'content-type: application/json' \
    --data @/sample/eureka-instance.json "$base/apps/$app"
}
until register; do sleep 2; done
echo "eureka-sample: registered $app/$id with $base"
while sleep 30; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$base/apps/$app/$id" || true)"
  if [ "$code" = 404 ]; then register || true; fi
done
