# The Spring Cloud Eureka server of test/fixtures/eureka-server, for docker-compose.yml.
# Build context: test/fixtures/eureka-server (the compose file sets it).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/eureka-server.jar ./
USER 1000:1000
EXPOSE 8761
# The fixture listens on 127.0.0.1 by default: listen on every interface of the container.
ENTRYPOINT ["java", "-Xmx256m", "-XX:+UseSerialGC", "-jar", "/app/eureka-server.jar", "--server.address=0.0.0.0", "--server.port=8761"]
