/** Znodes recorded from a real Dubbo 3.3.6 provider (test/fixtures/dubbo-provider, register mode all, group g1, version 1.0.0). */

export const RECORDED_DUBBO_CHILD =
  'dubbo%3A%2F%2F192.0.2.2%3A41001%2Fio.registrybridge.fixture.GreetingService%3Fapplication%3Dirb-fixture-provider%26deprecated%3Dfalse%26dubbo%3D2.0.2%26dynamic%3Dtrue%26generic%3Dfalse%26group%3Dg1%26interface%3Dio.registrybridge.fixture.GreetingService%26methods%3Dgreet%26prefer.serialization%3Dhessian2%2Cfastjson2%26release%3D3.3.6%26revision%3Dprovider%26service-name-mapping%3Dtrue%26side%3Dprovider%26timestamp%3D1796188504415%26version%3D1.0.0';

export const RECORDED_TRI_CHILD =
  'tri%3A%2F%2F192.0.2.2%3A41002%2Fio.registrybridge.fixture.GreetingService%3Fapplication%3Dirb-fixture-provider%26deprecated%3Dfalse%26dubbo%3D2.0.2%26dynamic%3Dtrue%26generic%3Dfalse%26group%3Dg1%26interface%3Dio.registrybridge.fixture.GreetingService%26methods%3Dgreet%26prefer.serialization%3Dhessian2%2Cfastjson2%26release%3D3.3.6%26revision%3Dprovider%26service-name-mapping%3Dtrue%26side%3Dprovider%26timestamp%3D1796188502588%26version%3D1.0.0';

export const RECORDED_INSTANCE_JSON =
  '{"name":"irb-fixture-provider","id":"192.0.2.2:41001","address":"192.0.2.2","port":41001,"sslPort":null,"payload":{"@class":"org.apache.dubbo.registry.zookeeper.ZookeeperInstance","id":"192.0.2.2:41001","name":"irb-fixture-provider","metadata":{"dubbo.endpoints":"[{\\"port\\":41001,\\"protocol\\":\\"dubbo\\"},{\\"port\\":41002,\\"protocol\\":\\"tri\\"}]","dubbo.metadata-service.url-params":"{\\"prefer.serialization\\":\\"hessian2,fastjson2\\",\\"version\\":\\"2.0.0\\",\\"dubbo\\":\\"2.0.2\\",\\"release\\":\\"3.3.6\\",\\"side\\":\\"provider\\",\\"port\\":\\"41002\\",\\"protocol\\":\\"tri\\"}","dubbo.metadata.revision":"2d2d5bbd032051297daf7c2532a400b2","dubbo.metadata.storage-type":"local","meta-v":"2.0.0","timestamp":"1796188504415"}},"registrationTimeUTC":1796188505466,"serviceType":"DYNAMIC","uriSpec":null}';

/** The same instance in dubbo-go's slimmer form (payload a plain map). */
export const GO_INSTANCE_JSON =
  '{"name":"go-app","id":"10.0.0.7:20000","address":"10.0.0.7","port":20000,"payload":{"id":"10.0.0.7:20000","name":"go-app","metadata":{"dubbo.endpoints":"[{\\"port\\":20000,\\"protocol\\":\\"tri\\"}]","zone":"z1"}},"registrationTimeUTC":1795659898736}';
