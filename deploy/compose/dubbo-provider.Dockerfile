# The real Apache Dubbo 3.3 provider of test/fixtures/dubbo-provider, for docker-compose.yml.
# Build context: test/fixtures/dubbo-provider (the compose file sets it).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
RUN mvn -B -q -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/dubbo-provider.jar ./
COPY --from=build /src/target/lib ./lib
USER 1000:1000
ENTRYPOINT ["java", "-Xmx256m", "-XX:+UseSerialGC", "-jar", "/app/dubbo-provider.jar"]
